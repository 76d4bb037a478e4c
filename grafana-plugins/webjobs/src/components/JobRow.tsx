import React, { memo } from 'react';
import { percent } from '../../../common/src/format';
import { kindName, nodeCount } from '../data/labels';
import { CELL_GAP, CellLayout, ROW_HEIGHT } from '../data/layout';
import { WebjobRow } from '../data/shape';
import { Styles } from './styles';

/** What one row needs; everything a plain value or stable object, so that unchanged rows skip rendering. */
export interface JobRowProps {
  readonly row: WebjobRow;
  /** Position in the sorted list (0-based): the row's top and its aria-rowindex. */
  readonly index: number;
  readonly labelWidth: number;
  readonly layout: CellLayout;
  /** The job's page, or undefined for no link. */
  readonly url?: string;
  readonly showUser: boolean;
  /** The cell reachable with Tab (roving tabindex), -1 when none of this row's. */
  readonly tabCol: number;
  readonly styles: Styles;
}

const SEVERE = new Set(['oom_killed', 'memory_near_limit']);

/** One job: its label (a link when a URL template is set), finding badges, and a cell per node. */
export const JobRow = memo(function JobRow({
  row,
  index,
  labelWidth,
  layout,
  url,
  showUser,
  tabCol,
  styles,
}: JobRowProps) {
  const text = (
    <>
      <strong>{row.jobid}</strong>
      {showUser && row.user ? ` ${row.user}` : ''}
      <span className={styles.muted}>
        {` · ${nodeCount(row.cells.length)} · ${row.mean === undefined ? 'no data' : percent(row.mean)}`}
      </span>
    </>
  );
  const cellsWidth = layout.perLine * (layout.width + CELL_GAP) - CELL_GAP;
  const sizes = {
    '--cell-w': `${layout.width}px`,
    '--cell-h': `${layout.height}px`,
    width: cellsWidth,
  } as React.CSSProperties;
  return (
    <div
      role="row"
      data-testid="webjobs-row"
      aria-rowindex={index + 1}
      aria-label={row.label}
      className={styles.row}
      style={{ top: index * ROW_HEIGHT }}
    >
      <div role="rowheader" className={styles.label} style={{ width: labelWidth }}>
        {url ? (
          <a
            href={url}
            className={`${styles.labelText} ${styles.link}`}
            aria-label={`${row.label}; open the job's page`}
          >
            {text}
          </a>
        ) : (
          <span className={styles.labelText}>{text}</span>
        )}
        {row.findings.length > 0 && (
          <span className={styles.badges}>
            {row.findings.map((k) => (
              <span
                key={k}
                data-testid="webjobs-finding"
                role="img"
                aria-label={`finding: ${kindName(k)}`}
                title={kindName(k)}
                className={SEVERE.has(k) ? `${styles.badge} ${styles.badgeError}` : styles.badge}
              >
                {kindName(k)}
              </span>
            ))}
          </span>
        )}
      </div>
      <div className={styles.cells} style={sizes}>
        {row.cells.map((c, i) => (
          <div
            key={c.node}
            role="gridcell"
            data-testid="webjobs-cell"
            data-row={index}
            data-col={i}
            aria-label={c.label}
            tabIndex={i === tabCol ? 0 : -1}
            className={`${styles.cell} ${styles.band[c.band]}`}
          />
        ))}
      </div>
    </div>
  );
});
