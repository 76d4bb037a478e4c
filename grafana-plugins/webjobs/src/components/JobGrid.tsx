import React, { memo, useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { CellLayout, cellLayout, ROW_HEIGHT, visibleRange } from '../data/layout';
import { GridPos, moveFocus } from '../data/navigation';
import { WebjobRow } from '../data/shape';
import { Interpolate, jobUrl } from '../data/url';
import { JobRow } from './JobRow';
import { Styles } from './styles';

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

/** The cell (row, col) an event happened on, from its data attributes; undefined off the cells. */
export function cellAt(target: EventTarget | null): GridPos | undefined {
  const el = target instanceof Element ? target.closest('[data-testid="webjobs-cell"]') : null;
  if (el === null) {
    return undefined;
  }
  return { row: Number(el.getAttribute('data-row')), col: Number(el.getAttribute('data-col')) };
}

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
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState<GridPos>({ row: 0, col: 0 });
  const focusPending = useRef(false);
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

  useLayoutEffect(() => {
    if (focusPending.current) {
      focusPending.current = false;
      ref.current?.querySelector<HTMLElement>(`[data-row="${active.row}"][data-col="${active.col}"]`)?.focus();
    }
  });

  const onKeyDown = useCallback(
    (e: React.KeyboardEvent) => {
      const pos = cellAt(e.target);
      const el = ref.current;
      if (pos === undefined || el === null) {
        return;
      }
      if (e.key === 'Enter') {
        (e.target as Element).closest('[role="row"]')?.querySelector<HTMLAnchorElement>('a[href]')?.click();
        return;
      }
      const pageRows = Math.max(1, Math.floor(height / ROW_HEIGHT));
      const next = moveFocus(
        pos,
        e.key,
        { rows: rows.length, pageRows, cellsIn: (r) => rows[r]?.cells.length ?? 0 },
        e.ctrlKey,
      );
      if (next === undefined) {
        return;
      }
      e.preventDefault();
      const top = next.row * ROW_HEIGHT;
      let st = el.scrollTop;
      if (top < st) {
        st = top;
      } else if (top + ROW_HEIGHT > st + height) {
        st = top + ROW_HEIGHT - height;
      }
      if (st !== el.scrollTop) {
        el.scrollTop = st;
        setScrollTop(st);
      }
      focusPending.current = true;
      setActive(next);
    },
    [rows, height],
  );

  const onFocus = useCallback((e: React.FocusEvent) => {
    const pos = cellAt(e.target);
    if (pos !== undefined) {
      setActive((a) => (a.row === pos.row && a.col === pos.col ? a : pos));
    }
  }, []);

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
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
    >
      <div style={{ position: 'relative', height: rows.length * ROW_HEIGHT }}>{visible}</div>
    </div>
  );
});
