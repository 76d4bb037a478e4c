import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '@slurmscope/common';
import { encodeLine, parseHookMessage, parseHookReply } from './protocol.js';

test('parseHookMessage: valid requests', () => {
  const cases: Array<[string, string, unknown]> = [
    ['prolog with cpus', '{"op":"prolog","jobid":"42","cpus":[0,1]}', { op: 'prolog', jobid: '42', cpus: [0, 1] }],
    ['prolog without cpus', '{"op":"prolog","jobid":"42"}', { op: 'prolog', jobid: '42' }],
    ['epilog', '{"op":"epilog","jobid":"7"}', { op: 'epilog', jobid: '7' }],
  ];
  for (const [name, line, want] of cases) assert.deepEqual(parseHookMessage(line, 'sock'), want, name);
});

test('parseHookMessage: malformed requests are ParseErrors naming the source', () => {
  const cases: Array<[string, string]> = [
    ['not JSON', 'prolog 42'],
    ['unknown op', '{"op":"reboot","jobid":"42"}'],
    ['numeric jobid', '{"op":"epilog","jobid":42}'],
    ['jobid with a path', '{"op":"epilog","jobid":"../42"}'],
    ['negative cpu', '{"op":"prolog","jobid":"42","cpus":[-1]}'],
    ['fractional cpu', '{"op":"prolog","jobid":"42","cpus":[1.5]}'],
    ['unknown key', '{"op":"epilog","jobid":"42","force":true}'],
    ['cpus on epilog', '{"op":"epilog","jobid":"42","cpus":[1]}'],
    ['array', '[]'],
  ];
  for (const [name, line] of cases) {
    assert.throws(
      () => parseHookMessage(line, 'hook socket'),
      (e: unknown) => e instanceof ParseError && e.message.startsWith('hook socket:'),
      name,
    );
  }
});

test('replies round-trip; bad replies are rejected', () => {
  assert.equal(encodeLine({ ok: true }), '{"ok":true}\n');
  assert.deepEqual(parseHookReply('{"ok":false,"error":"x"}', 's'), { ok: false, error: 'x' });
  for (const bad of ['{"ok":"yes"}', '{"ok":false}', ''])
    assert.throws(() => parseHookReply(bad, 's'), ParseError, bad);
});
