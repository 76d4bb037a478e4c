import { ParseError } from '@slurmscope/common';

const MAX_HOSTS = 1_000_000;

/**
 * Expands a Slurm hostlist (`n[1-3,5],gpu[01-02]-ib,login`) into node names, keeping zero
 * padding (`n[08-10]` → n08 n09 n10). Several bracket groups in one name expand as a product.
 */
export function expandHostlist(list: string, source = 'hostlist'): string[] {
  const out: string[] = [];
  const trimmed = list.trim();
  if (trimmed === '' || trimmed === '(null)' || trimmed === 'None') return out;
  for (const item of splitTopLevel(trimmed, source)) {
    if (item === '') throw new ParseError(source, 'empty host name in hostlist', list);
    expandItem(item, source, out);
    if (out.length > MAX_HOSTS) throw new ParseError(source, `hostlist expands beyond ${MAX_HOSTS} names`, list);
  }
  return out;
}

/** Splits at commas outside brackets. */
function splitTopLevel(list: string, source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list.charCodeAt(i);
    if (c === 91 /* [ */) {
      if (depth > 0) throw new ParseError(source, 'nested "[" in hostlist', list);
      depth++;
    } else if (c === 93 /* ] */) {
      if (depth === 0) throw new ParseError(source, 'unbalanced "]" in hostlist', list);
      depth--;
    } else if (c === 44 /* , */ && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new ParseError(source, 'unclosed "[" in hostlist', list);
  parts.push(list.slice(start));
  return parts;
}

function expandItem(item: string, source: string, out: string[]): void {
  const open = item.indexOf('[');
  if (open < 0) {
    out.push(item);
    return;
  }
  const close = item.indexOf(']', open);
  const prefix = item.slice(0, open);
  const rest = item.slice(close + 1);
  const suffixes: string[] = [];
  if (rest.includes('[')) expandItem(rest, source, suffixes);
  else suffixes.push(rest);
  for (const range of item.slice(open + 1, close).split(',')) {
    for (const n of expandRange(range, source, item)) {
      for (const s of suffixes) out.push(prefix + n + s);
    }
  }
}

function expandRange(range: string, source: string, item: string): string[] {
  const dash = range.indexOf('-');
  const lo = dash < 0 ? range : range.slice(0, dash);
  const hi = dash < 0 ? range : range.slice(dash + 1);
  if (!isDigits(lo) || !isDigits(hi)) throw new ParseError(source, `bad range "${range}" in hostlist`, item);
  const a = Number(lo);
  const b = Number(hi);
  if (b < a) throw new ParseError(source, `descending range "${range}" in hostlist`, item);
  if (b - a > MAX_HOSTS) throw new ParseError(source, `range "${range}" too large`, item);
  const width = lo.length;
  const names: string[] = [];
  for (let i = a; i <= b; i++) names.push(String(i).padStart(width, '0'));
  return names;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
