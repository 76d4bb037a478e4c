import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterFamily } from './counter-family.js';

const desc = { name: 'slurmscope_collector_errors_total', help: 'Errors per collector.', labelNames: ['collector'] };

test('CounterFamily: counts per label set and exports a counter family', () => {
  const c = new CounterFamily(desc);
  c.inc({ collector: 'gpu' });
  c.inc({ collector: 'rapl' }, 2);
  c.inc({ collector: 'gpu' }, 0.5);
  assert.equal(c.get({ collector: 'gpu' }), 1.5);
  assert.equal(c.get({ collector: 'cgroup' }), 0);
  assert.deepEqual(c.family(), {
    ...desc,
    type: 'counter',
    samples: [
      { labels: { collector: 'gpu' }, value: 1.5 },
      { labels: { collector: 'rapl' }, value: 2 },
    ],
  });
});

test('CounterFamily: rejects misuse', () => {
  const cases: Array<[string, () => void, RegExp]> = [
    ['name without _total', () => new CounterFamily({ ...desc, name: 'slurmscope_errors' }), /must end in _total/],
    ['negative increment', () => new CounterFamily(desc).inc({ collector: 'x' }, -1), /cannot add -1/],
    ['NaN increment', () => new CounterFamily(desc).inc({ collector: 'x' }, NaN), /cannot add NaN/],
    ['undeclared label', () => new CounterFamily(desc).inc({ node: 'x' }), /undeclared label "node"/],
  ];
  for (const [name, fn, re] of cases) assert.throws(fn, re, name);
});
