import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandHostlist } from './hostlist.js';

test('expandHostlist: named cases', () => {
  const cases: Array<[string, string, string[]]> = [
    ['single', 'c1', ['c1']],
    ['empty', '', []],
    ['(null)', '(null)', []],
    ['range', 'n[1-3]', ['n1', 'n2', 'n3']],
    ['range and single', 'n[1-3,5]', ['n1', 'n2', 'n3', 'n5']],
    ['zero padding kept', 'n[08-10]', ['n08', 'n09', 'n10']],
    ['several items', 'c[2-3],gpu01', ['c2', 'c3', 'gpu01']],
    ['suffix after bracket', 'r[1-2]-ib', ['r1-ib', 'r2-ib']],
    ['two bracket groups', 'r[1-2]n[1-2]', ['r1n1', 'r1n2', 'r2n1', 'r2n2']],
    ['ghost nodes of the capture cluster', 'c[1-3],cghost[01-02]', ['c1', 'c2', 'c3', 'cghost01', 'cghost02']],
  ];
  for (const [name, input, want] of cases) assert.deepEqual(expandHostlist(input), want, name);
});

test('expandHostlist: malformed lists are errors naming the problem', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['unclosed bracket', 'n[1-3', /unclosed/],
    ['stray close', 'n1-3]', /unbalanced/],
    ['nested', 'n[1-[2]]', /nested/],
    ['letters in range', 'n[a-c]', /bad range/],
    ['descending', 'n[5-3]', /descending/],
    ['empty item', 'n1,,n2', /empty host/],
    ['empty range', 'n[]', /bad range/],
  ];
  for (const [name, input, re] of cases) assert.throws(() => expandHostlist(input), re, name);
});
