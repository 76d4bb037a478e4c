import React, { memo, useMemo, useRef } from 'react';
import { CellLayout, cellLayout, ROW_HEIGHT, visibleRange } from '../data/layout';
import { WebjobRow } from '../data/shape';
import { Interpolate, jobUrl } from '../data/url';
import { JobRow } from './JobRow';
import { Styles } from './styles';
import { useGridFocus } from './useGridFocus';

export { cellAt } from './useGridFocus';

/** What the grid shows and how. */
export interface JobGridProps {
  readonly rows: readonly WebjobRow[];
  readonly width: number;
  /** Height of the scrolling viewport, px. */
  readonly height: number;
  readonly urlTemplate: string;
  readonly showUser: boolean;
  readonly interpolate: Interpolate;
  readonly ariaLabel: string;
  readonly styles: Styles;
}

/** Room kept for a vertical scrollbar and the gap between label and cells, px. */
const SCROLLBAR = 16;
const GAP = 8;

/**
 * The jobs as a virtual ARIA grid: fixed-height rows, only those in the viewport (plus a few) in
 * the DOM; one cell tabbable (roving tabindex), arrows/Home/End/PageUp/PageDown move the focus and
 * scroll; Enter on a cell follows the row's link.
 */
export const JobGrid = memo(function JobGrid({
  rows,
  width,
  height,
  urlTemplate,
  showUser,
  interpolate,
  ariaLabel,
  styles,
}: JobGridProps) {
  const ref = useRef<HTMLDivElement>(null);
  const { scrollTop, active, onScroll, onKeyDown, onFocus } = useGridFocus(ref, rows, height);
  const labelWidth = Math.round(Math.min(300, Math.max(120, width * 0.3)));
  const area = Math.max(1, width - labelWidth - GAP - (rows.length * ROW_HEIGHT > height ? SCROLLBAR : 0));
  // One layout per distinct node count (at most a few dozen), shared by the rows: memo'd rows see the same object.
  const layouts = useMemo(() => {
    const m = new Map<number, CellLayout>();
    for (const r of rows) {
      if (!m.has(r.cells.length)) {
        m.set(r.cells.length, cellLayout(r.cells.length, area));
      }
    }
    return m;
  }, [rows, area]);
  const { start, end } = visibleRange(scrollTop, height, rows.length);

  // The tabbable cell: the active one while its row is in the DOM, else the first cell in view.
  const firstInView = Math.min(rows.length - 1, Math.floor(scrollTop / ROW_HEIGHT));
  const tabRow = active.row >= start && active.row < end ? active.row : firstInView;
  const tabCol = tabRow === active.row ? active.col : 0;
  const visible: React.ReactNode[] = [];
  for (let i = start; i < end; i++) {
    const row = rows[i] as WebjobRow;
    visible.push(
      <JobRow
        key={row.jobid}
        row={row}
        index={i}
        labelWidth={labelWidth}
        layout={layouts.get(row.cells.length) as CellLayout}
        url={jobUrl(urlTemplate, row, interpolate)}
        showUser={showUser}
        tabCol={i === tabRow ? tabCol : -1}
        styles={styles}
      />,
    );
  }
  return (
    <div
      ref={ref}
      role="grid"
      aria-label={ariaLabel}
      aria-rowcount={rows.length}
      className={styles.scroller}
      style={{ height }}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
    >
      <div style={{ position: 'relative', height: rows.length * ROW_HEIGHT }}>{visible}</div>
    </div>
  );
});
