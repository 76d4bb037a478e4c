import { moveFocus, NavContext } from './navigation';

// Three rows of 4, 1 and 6 cells; a page is 2 rows.
const ctx: NavContext = { cellsIn: (r) => [4, 1, 6][r] ?? 0, rows: 3, pageRows: 2 };

describe('moveFocus', () => {
  test('arrows move by one and stop at the edges', () => {
    expect(moveFocus({ row: 0, col: 0 }, 'ArrowRight', ctx)).toEqual({ row: 0, col: 1 });
    expect(moveFocus({ row: 0, col: 3 }, 'ArrowRight', ctx)).toEqual({ row: 0, col: 3 });
    expect(moveFocus({ row: 0, col: 0 }, 'ArrowLeft', ctx)).toEqual({ row: 0, col: 0 });
    expect(moveFocus({ row: 0, col: 2 }, 'ArrowUp', ctx)).toEqual({ row: 0, col: 2 });
    expect(moveFocus({ row: 2, col: 5 }, 'ArrowDown', ctx)).toEqual({ row: 2, col: 5 });
  });

  test('a job on one node: moving down onto it lands on its only cell', () => {
    expect(moveFocus({ row: 0, col: 3 }, 'ArrowDown', ctx)).toEqual({ row: 1, col: 0 });
  });

  test('Home/End within the row; with Ctrl the first and last row; pages by pageRows', () => {
    expect(moveFocus({ row: 2, col: 3 }, 'Home', ctx)).toEqual({ row: 2, col: 0 });
    expect(moveFocus({ row: 2, col: 0 }, 'End', ctx)).toEqual({ row: 2, col: 5 });
    expect(moveFocus({ row: 1, col: 0 }, 'End', ctx, true)).toEqual({ row: 2, col: 5 });
    expect(moveFocus({ row: 2, col: 4 }, 'Home', ctx, true)).toEqual({ row: 0, col: 0 });
    expect(moveFocus({ row: 0, col: 2 }, 'PageDown', ctx)).toEqual({ row: 2, col: 2 });
    expect(moveFocus({ row: 2, col: 2 }, 'PageUp', ctx)).toEqual({ row: 0, col: 2 });
  });

  test('other keys and an empty grid: no move', () => {
    expect(moveFocus({ row: 0, col: 0 }, 'a', ctx)).toBeUndefined();
    expect(moveFocus({ row: 0, col: 0 }, 'ArrowDown', { ...ctx, rows: 0 })).toBeUndefined();
  });
});
