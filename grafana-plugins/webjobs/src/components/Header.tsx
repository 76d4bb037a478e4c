import React from 'react';
import { Thresholds } from '../data/labels';
import { Styles } from './styles';

/** Height of the header's line, and of each warning under it, px (the grid gets the rest). */
export const HEADER_LINE = 24;
export const WARNING_LINE = 18;

const SORTED: Record<string, string> = { uneven: 'most uneven first', idle: 'most idle first', jobid: 'by job id' };

/** How many jobs, in what order, which metric; the colour legend; and warnings about the data. */
export function Header(props: {
  jobs: number;
  metric: string;
  sort: string;
  thresholds: Thresholds;
  warnings: readonly string[];
  styles: Styles;
}) {
  const { jobs, metric, sort, thresholds: t, warnings, styles } = props;
  const pct = (v: number) => `${Math.round(v * 100)} %`;
  const legend: Array<[keyof Styles['band'], string]> = [
    ['idle', `idle < ${pct(t.low)}`],
    ['low', 'low'],
    ['good', `good ≥ ${pct(t.good)}`],
    ['none', 'no data'],
  ];
  return (
    <div>
      <div className={styles.header} style={{ height: HEADER_LINE, flexWrap: 'nowrap', overflow: 'hidden' }}>
        <span
          className={styles.summary}
        >{`${jobs} running ${jobs === 1 ? 'job' : 'jobs'}, ${metric} utilization, ${SORTED[sort] ?? sort}`}</span>
        {legend.map(([b, text]) => (
          <span key={b} className={styles.legendItem}>
            <span className={`${styles.swatch} ${styles.band[b]}`} aria-hidden="true" />
            {text}
          </span>
        ))}
      </div>
      {warnings.map((w) => (
        <div key={w} role="status" className={styles.warning} style={{ height: WARNING_LINE }}>
          {w}
        </div>
      ))}
    </div>
  );
}
