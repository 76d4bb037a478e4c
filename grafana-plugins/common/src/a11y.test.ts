import { ariaLabelIsNamed, unnamedAriaLabels } from './a11y';

/** A detached element from HTML (jsdom). */
function html(s: string): HTMLElement {
  const box = document.createElement('div');
  box.innerHTML = s;
  return box;
}

describe('unnamedAriaLabels', () => {
  test.each([
    ['span with a role=img', '<span role="img" aria-label="x"></span>', []],
    ['div without a role', '<div aria-label="x"></div>', ['<div aria-label="x">']],
    ['span without a role', '<span aria-label="y">y</span>', ['<span aria-label="y">']],
    ['li (listitem: often not announced)', '<ul aria-label="l"><li aria-label="z"></li></ul>', ['<li aria-label="z">']],
    ['role that prohibits naming', '<span role="generic" aria-label="g"></span>', ['<span aria-label="g">']],
    ['presentation', '<div role="presentation" aria-label="p"></div>', ['<div aria-label="p">']],
    [
      'button, input, section, link',
      '<button aria-label="b"></button><input aria-label="i"><section aria-label="s"></section><a href="/" aria-label="a">a</a>',
      [],
    ],
    ['a without href', '<a aria-label="a">a</a>', ['<a aria-label="a">']],
    ['nothing labelled', '<div><span>text</span></div>', []],
  ])('%s', (_name, markup, expected) => {
    expect(unnamedAriaLabels(html(markup))).toEqual(expected);
  });

  test('the root itself is checked', () => {
    const el = document.createElement('div');
    el.setAttribute('aria-label', 'root');
    expect(ariaLabelIsNamed(el)).toBe(false);
    expect(unnamedAriaLabels(el)).toEqual(['<div aria-label="root">']);
    el.setAttribute('role', 'group');
    expect(unnamedAriaLabels(el)).toEqual([]);
  });
});
