/** Fixed height of a job row, px (the virtual list depends on it). */
export const ROW_HEIGHT = 28;
/** Gap between cells, px. */
export const CELL_GAP = 1;
/** Narrowest cell before a row wraps its cells onto more lines, px. */
export const MIN_CELL = 3;
/** Widest cell, px: a job on few nodes keeps small squares instead of long bars. */
export const MAX_CELL = 32;
/** Most lines of cells in one row (the compact form). */
export const MAX_LINES = 4;
/** Height the cells may take inside a row, px. */
export const CELLS_HEIGHT = ROW_HEIGHT - 8;

/** How a row lays out its cells: per line, how many lines, and each cell's size. */
export interface CellLayout {
  readonly perLine: number;
  readonly lines: number;
  readonly width: number;
  readonly height: number;
}

const widthFor = (perLine: number, area: number) => Math.floor((area - (perLine - 1) * CELL_GAP) / perLine);

/**
 * The cells of a row on `area` px: one line of cells up to MAX_CELL wide while each is at least
 * MIN_CELL; beyond that (many nodes, narrow panel) the compact form: 2..MAX_LINES lines of shorter
 * cells; past that the cells shrink below MIN_CELL (never below 1 px). Pure.
 */
export function cellLayout(nodes: number, area: number): CellLayout {
  if (nodes <= 0) {
    return { perLine: 0, lines: 0, width: 0, height: 0 };
  }
  let lines = 1;
  while (lines < MAX_LINES && widthFor(Math.ceil(nodes / lines), area) < MIN_CELL) {
    lines++;
  }
  const perLine = Math.ceil(nodes / lines);
  const width = Math.max(1, Math.min(MAX_CELL, widthFor(perLine, area)));
  const height = lines === 1 ? CELLS_HEIGHT : Math.floor((CELLS_HEIGHT - (lines - 1) * CELL_GAP) / lines);
  return { perLine, lines, width, height };
}

/** The rows of a virtual list in the DOM: those in the viewport plus `overscan` either side, [start, end). Pure. */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  count: number,
  overscan = 4,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / ROW_HEIGHT);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewport)) / ROW_HEIGHT);
  return { start: Math.max(0, first - overscan), end: Math.min(count, last + overscan) };
}
