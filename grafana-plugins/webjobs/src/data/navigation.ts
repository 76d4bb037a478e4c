/** A cell of the grid: row index in the sorted list, and cell index in the row. */
export interface GridPos {
  readonly row: number;
  readonly col: number;
}

/** What a key press needs to know about the grid. */
export interface NavContext {
  /** Cells in row i. */
  readonly cellsIn: (row: number) => number;
  readonly rows: number;
  /** Rows in one page (the viewport). */
  readonly pageRows: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Where a key moves the focus in the grid (WAI-ARIA grid pattern): arrows by one cell or row,
 * Home/End to the row's ends (with Ctrl: the first/last row), PageUp/PageDown by a page. Moving to
 * a row with fewer cells lands on its last one. Undefined for any other key. Pure.
 */
export function moveFocus(pos: GridPos, key: string, ctx: NavContext, ctrl = false): GridPos | undefined {
  if (ctx.rows === 0) {
    return undefined;
  }
  const at = (row: number, col: number): GridPos => {
    const r = clamp(row, 0, ctx.rows - 1);
    return { row: r, col: clamp(col, 0, Math.max(0, ctx.cellsIn(r) - 1)) };
  };
  switch (key) {
    case 'ArrowRight':
      return at(pos.row, pos.col + 1);
    case 'ArrowLeft':
      return at(pos.row, pos.col - 1);
    case 'ArrowDown':
      return at(pos.row + 1, pos.col);
    case 'ArrowUp':
      return at(pos.row - 1, pos.col);
    case 'PageDown':
      return at(pos.row + Math.max(1, ctx.pageRows), pos.col);
    case 'PageUp':
      return at(pos.row - Math.max(1, ctx.pageRows), pos.col);
    case 'Home':
      return ctrl ? at(0, 0) : at(pos.row, 0);
    case 'End':
      return ctrl ? at(ctx.rows - 1, Number.MAX_SAFE_INTEGER) : at(pos.row, Number.MAX_SAFE_INTEGER);
    default:
      return undefined;
  }
}
