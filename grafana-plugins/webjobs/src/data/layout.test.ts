import { cellLayout, CELLS_HEIGHT, MAX_CELL, visibleRange } from './layout';

describe('cellLayout', () => {
  test('empty: no nodes, no cells', () => {
    expect(cellLayout(0, 500)).toEqual({ perLine: 0, lines: 0, width: 0, height: 0 });
  });

  test('one node: one cell, as wide as MAX_CELL, full height', () => {
    expect(cellLayout(1, 500)).toEqual({ perLine: 1, lines: 1, width: MAX_CELL, height: CELLS_HEIGHT });
  });

  test('64 nodes on 500 px: one line, cells share the width', () => {
    // (500 - 63 gaps) / 64 = 6.8 → 6 px
    expect(cellLayout(64, 500)).toEqual({ perLine: 64, lines: 1, width: 6, height: CELLS_HEIGHT });
  });

  test('64 nodes on 150 px: compact form, two lines of 32 cells of 3 px', () => {
    // one line: (150 - 63) / 64 = 1.4 px < 3; two lines of 32: (150 - 31) / 32 = 3.7 → 3 px
    expect(cellLayout(64, 150)).toEqual({ perLine: 32, lines: 2, width: 3, height: 9 });
  });

  test('64 nodes on 20 px: at most four lines, cells shrink to 1 px but never vanish', () => {
    const l = cellLayout(64, 20);
    expect(l.lines).toBe(4);
    expect(l.perLine).toBe(16);
    expect(l.width).toBe(1);
  });
});

describe('visibleRange', () => {
  test('top of a 500-row list in a 280 px viewport: 10 rows in view plus 4 overscan below', () => {
    expect(visibleRange(0, 280, 500)).toEqual({ start: 0, end: 14 });
  });

  test('scrolled to row 100: overscan on both sides', () => {
    expect(visibleRange(2800, 280, 500)).toEqual({ start: 96, end: 114 });
  });

  test('end of the list and fewer rows than the viewport', () => {
    expect(visibleRange(500 * 28 - 280, 280, 500)).toEqual({ start: 486, end: 500 });
    expect(visibleRange(0, 280, 3)).toEqual({ start: 0, end: 3 });
  });
});
