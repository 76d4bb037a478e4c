import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleReport } from '../reports/testkit.js';
import { composeNotice, mailworthy } from './notice.js';

const T = Date.parse('2026-03-01T12:00:00Z');

test('composeNotice: the warnings with advice, the figures, how to see the report; never the script', () => {
  const r = sampleReport({
    jobid: '4242',
    displayId: '4240_2',
    user: 'alice',
    endMs: T,
    cpuSeconds: 60,
    script: '#!/bin/sh\nSECRET=1\n',
  });
  assert.deepEqual(
    mailworthy(r).map((f) => f.kind),
    ['low_cpu_efficiency'],
  );
  const n = composeNotice(r, 'alice@example.org');
  assert.equal(n.to, 'alice@example.org');
  assert.match(n.subject, /^\[slurmscope\] job 4240_2 on \S+: low cpu efficiency$/);
  assert.match(n.text, /^Hello alice,/);
  assert.match(n.text, /- the job used 5 % of the CPU time it held/);
  assert.match(n.text, /Request fewer CPUs/);
  assert.match(n.text, /efficiency 5 %/);
  assert.match(n.text, /slurmscope report 4240_2\n/);
  assert.doesNotMatch(n.text, /SECRET/, 'the batch script stays in the report');
});

test('mailworthy: info findings alone are not worth a mail', () => {
  const r = sampleReport({ jobid: '7', user: 'bob', endMs: T });
  const onlyInfo = {
    ...r,
    findings: [{ kind: 'memory_over_request' as const, severity: 'info' as const, message: 'm', value: 0.1 }],
  };
  assert.deepEqual(mailworthy(onlyInfo), []);
  assert.deepEqual(mailworthy({ ...r, findings: [] }), []);
});
