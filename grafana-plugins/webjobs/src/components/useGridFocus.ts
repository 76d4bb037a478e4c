import React, { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { ROW_HEIGHT } from '../data/layout';
import { GridPos, moveFocus } from '../data/navigation';
import { WebjobRow } from '../data/shape';

/** The cell (row, col) an event happened on, from its data attributes; undefined off the cells. */
export function cellAt(target: EventTarget | null): GridPos | undefined {
  const el = target instanceof Element ? target.closest('[data-testid="webjobs-cell"]') : null;
  if (el === null) {
    return undefined;
  }
  return { row: Number(el.getAttribute('data-row')), col: Number(el.getAttribute('data-col')) };
}

/** The scrollTop that brings row `row` into a viewport of `height` px now at `current`. Pure. */
export function scrollFor(row: number, current: number, height: number): number {
  const top = row * ROW_HEIGHT;
  if (top < current) {
    return top;
  }
  return top + ROW_HEIGHT > current + height ? top + ROW_HEIGHT - height : current;
}

/** What the grid's focus handling gives it: the scroll position, the active cell, and its handlers. */
export interface GridFocus {
  readonly scrollTop: number;
  readonly active: GridPos;
  readonly onScroll: (e: React.UIEvent<HTMLDivElement>) => void;
  readonly onKeyDown: (e: React.KeyboardEvent) => void;
  readonly onFocus: (e: React.FocusEvent) => void;
}

/**
 * Roving focus over a virtual grid: a key moves the active cell (moveFocus), scrolls the container
 * so that its row is rendered, and focuses it once it is in the DOM; Enter follows the row's link.
 */
export function useGridFocus(
  ref: React.RefObject<HTMLDivElement>,
  rows: readonly WebjobRow[],
  height: number,
): GridFocus {
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState<GridPos>({ row: 0, col: 0 });
  const focusPending = useRef(false);

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
      const ctx = {
        rows: rows.length,
        pageRows: Math.max(1, Math.floor(height / ROW_HEIGHT)),
        cellsIn: (r: number) => rows[r]?.cells.length ?? 0,
      };
      const next = moveFocus(pos, e.key, ctx, e.ctrlKey);
      if (next === undefined) {
        return;
      }
      e.preventDefault();
      const st = scrollFor(next.row, el.scrollTop, height);
      if (st !== el.scrollTop) {
        // Set the state now, not on the scroll event: the row must be rendered before it is focused.
        el.scrollTop = st;
        setScrollTop(st);
      }
      focusPending.current = true;
      setActive(next);
    },
    [ref, rows, height],
  );

  const onFocus = useCallback((e: React.FocusEvent) => {
    const pos = cellAt(e.target);
    if (pos !== undefined) {
      setActive((a) => (a.row === pos.row && a.col === pos.col ? a : pos));
    }
  }, []);

  const onScroll = useCallback((e: React.UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop), []);
  return { scrollTop, active, onScroll, onKeyDown, onFocus };
}
