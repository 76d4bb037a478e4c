import React, { useCallback, useId, useMemo, useRef, useState } from 'react';
import { DataFrame, PanelProps } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { PanelMessage } from '../../../common/src/PanelMessage';
import { metricName } from '../data/labels';
import { shapeWebjobs } from '../data/shape';
import { DEFAULT_OPTIONS, WebjobsOptions } from '../types';
import { Header, HEADER_LINE, WARNING_LINE } from './Header';
import { cellAt, JobGrid } from './JobGrid';
import { getStyles } from './styles';
import { placeTip, TipState, Tooltip } from './Tooltip';

/** shapeWebjobs, and should it ever throw on data nobody foresaw, a message instead of a broken panel. */
function safeShape(series: DataFrame[], options: WebjobsOptions): ReturnType<typeof shapeWebjobs> {
  try {
    return shapeWebjobs(series, options);
  } catch (e) {
    // A panel must never throw into Grafana's dashboard: say what happened instead.
    return { ok: false, message: `Could not read the data: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The webjobs panel: every running job a row of cells, one per node, coloured by utilization. */
export function WebjobsPanel({ data, options, width, height, replaceVariables }: PanelProps<WebjobsOptions>) {
  const styles = useStyles2(getStyles);
  const tipId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<TipState | null>(null);
  // Options saved by an older version may lack keys: the defaults fill them.
  const opts = useMemo(() => ({ ...DEFAULT_OPTIONS, ...options }), [options]);
  const shaped = useMemo(() => safeShape(data.series, opts), [data.series, opts]);
  const interpolate = useCallback((s: string) => replaceVariables(s, undefined, 'percentencode'), [replaceVariables]);

  const show = useCallback((target: EventTarget | null) => {
    const pos = cellAt(target);
    const root = rootRef.current;
    if (pos === undefined || root === null || !(target instanceof Element)) {
      setTip((t) => (t === null ? t : null));
      return;
    }
    const cell = target.closest('[data-testid="webjobs-cell"]') as Element;
    setTip({ ...pos, ...placeTip(cell.getBoundingClientRect(), root.getBoundingClientRect()) });
  }, []);
  const hide = useCallback(() => setTip(null), []);

  if (!shaped.ok) {
    return (
      <div data-testid="webjobs-panel" style={{ width, height }}>
        <PanelMessage message={shaped.message} />
      </div>
    );
  }
  const { rows, thresholds, warnings } = shaped.value;
  if (rows.length === 0) {
    return (
      <div data-testid="webjobs-panel" style={{ width, height }}>
        <PanelMessage message="No running jobs in the query result." />
      </div>
    );
  }
  const gridHeight = Math.max(0, height - HEADER_LINE - warnings.length * WARNING_LINE);
  const metric = metricName(opts.metric);
  const tipCell = tip === null ? undefined : rows[tip.row]?.cells[tip.col];
  return (
    <div
      ref={rootRef}
      data-testid="webjobs-panel"
      className={styles.root}
      style={{ width, height }}
      onMouseOver={(e) => show(e.target)}
      onMouseLeave={hide}
      onFocus={(e) => show(e.target)}
      onBlur={hide}
      onKeyDown={(e) => e.key === 'Escape' && hide()}
    >
      <Header
        jobs={rows.length}
        metric={metric}
        sort={opts.sort}
        thresholds={thresholds}
        warnings={warnings}
        styles={styles}
      />
      <JobGrid
        rows={rows}
        width={width}
        height={gridHeight}
        urlTemplate={opts.urlTemplate}
        showUser={opts.showUser}
        interpolate={interpolate}
        ariaLabel={`Running jobs by node, ${metric} utilization`}
        styles={styles}
      />
      {tip !== null && tipCell !== undefined && (
        <Tooltip id={tipId} cell={tipCell} metric={opts.metric} tip={tip} styles={styles} />
      )}
    </div>
  );
}
