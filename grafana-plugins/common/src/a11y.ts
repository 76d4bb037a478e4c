/**
 * Where an aria-label is heard: WAI-ARIA lets an author name an element only through a role that
 * supports naming, and screen readers commonly ignore an aria-label on a plain div, span or li.
 * Used by the panels' tests (and usable in a browser): no runtime code of a panel depends on it.
 */

/** Roles that prohibit naming from the author (WAI-ARIA 1.2/1.3): an aria-label on them is ignored. */
const NAME_PROHIBITED = new Set([
  'caption',
  'code',
  'deletion',
  'emphasis',
  'generic',
  'insertion',
  'mark',
  'none',
  'paragraph',
  'presentation',
  'strong',
  'subscript',
  'superscript',
  'suggestion',
  'term',
  'time',
]);

/** Elements whose implicit role takes an aria-label (`a` only with an href; `section` is then a region). */
const NATIVELY_NAMED = new Set([
  'BUTTON',
  'INPUT',
  'SELECT',
  'TEXTAREA',
  'SECTION',
  'NAV',
  'FORM',
  'UL',
  'OL',
  'TABLE',
  'FIELDSET',
  'DIALOG',
  'IMG',
  'IFRAME',
  'SVG',
]);

/** Whether the element's aria-label is allowed and announced: an explicit naming role, or a natively named element. */
export function ariaLabelIsNamed(el: Element): boolean {
  const role = el.getAttribute('role')?.trim().split(/\s+/)[0];
  if (role !== undefined && role !== '') {
    return !NAME_PROHIBITED.has(role);
  }
  const tag = el.tagName.toUpperCase();
  return NATIVELY_NAMED.has(tag) || (tag === 'A' && el.hasAttribute('href'));
}

/**
 * Every element under `root` (and root itself) that carries an aria-label a screen reader may not
 * announce, as `<tag aria-label="...">`; empty when each labelled element has a fitting role.
 */
export function unnamedAriaLabels(root: Element): string[] {
  const labelled = [root, ...Array.from(root.querySelectorAll('*'))].filter((el) => el.hasAttribute('aria-label'));
  return labelled
    .filter((el) => !ariaLabelIsNamed(el))
    .map((el) => `<${el.tagName.toLowerCase()} aria-label="${el.getAttribute('aria-label') ?? ''}">`);
}
