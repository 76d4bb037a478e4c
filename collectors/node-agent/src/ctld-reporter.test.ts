import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, type NodeReport } from '@slurmscope/common';
import { RecordingLogger } from '@slurmscope/model';
import { CtldReporter, checkCtldTransport } from './ctld-reporter.js';

const TRANSPORT: ReadonlyArray<[string, boolean, boolean]> = [
  ['http://10.0.0.1:9818', false, false],
  ['http://ctld.example.org:9818', false, false],
  ['http://127.0.0.2:9818', false, true],
  ['http://localhost:9818', false, true],
  ['http://[::1]:9818', false, true],
  ['https://ctld.example.org:9818', false, true],
  ['http://ctld.example.org:9818', true, true],
];

for (const [url, allowInsecure, ok] of TRANSPORT) {
  test(`checkCtldTransport: ${url}${allowInsecure ? ' with allowInsecure' : ''} is ${ok ? 'allowed' : 'refused'}`, () => {
    if (ok) assert.doesNotThrow(() => checkCtldTransport(url, allowInsecure));
    else
      assert.throws(
        () => checkCtldTransport(url, allowInsecure),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.key === 'ctld.allowInsecure' &&
          /plain http:\/\/ beyond loopback.*use https:\/\/ or set ctld.allowInsecure: true/.test(e.reason) &&
          !e.message.includes('\n'),
      );
  });
}

test('CtldReporter: never built for plain http beyond loopback (the token is not sent)', () => {
  const opts = { token: 'secret', timeoutMs: 1000, log: new RecordingLogger(), node: 'n1' };
  assert.throws(() => new CtldReporter({ ...opts, url: 'http://192.0.2.1:9818' }), ConfigError);
  assert.doesNotThrow(() => new CtldReporter({ ...opts, url: 'http://192.0.2.1:9818', allowInsecure: true }));
});

/** A fake ctld whose next answers are queued: a status and body, or "hang" (never answers). */
async function fakeCtld(t: TestContext): Promise<{ url: string; answers: string[]; seen: IncomingHttpHeaders[] }> {
  const answers: string[] = [];
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      const next = answers.shift() ?? '200 {"scripts":[]}';
      if (next === 'hang') return;
      const [status, ...body] = next.split(' ');
      res.writeHead(Number(status), { 'content-type': 'application/json' }).end(body.join(' '));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, answers, seen };
}

const REPORT: NodeReport = { version: 1, node: 'n1', timestampMs: 0, intervalMs: 1000, cpus: 1, power: {}, jobs: [] };

test('CtldReporter: every report is counted by result in slurmscope_agent_ctld_reports_total{node,result}', async (t) => {
  const ctld = await fakeCtld(t);
  const log = new RecordingLogger();
  const reporter = new CtldReporter({ url: ctld.url, token: 'tok', timeoutMs: 300, log, node: 'n1' });
  const zero = reporter.metrics()[0];
  assert.equal(zero?.name, 'slurmscope_agent_ctld_reports_total');
  assert.deepEqual(zero?.labelNames, ['node', 'result']);
  assert.deepEqual(
    zero?.samples.map((s) => `${s.labels.node}/${s.labels.result}=${s.value}`),
    ['n1/ok=0', 'n1/refused=0', 'n1/error=0', 'n1/timeout=0', 'n1/skipped=0'],
    'every result is exposed before it happens',
  );

  ctld.answers.push(
    '200 {"scripts":["42"]}',
    '403 {"error":"node report refused: unknown_node"}',
    '500 {}',
    '200 nope',
  );
  for (let i = 0; i < 4; i++) await reporter.send(REPORT);
  assert.deepEqual([...reporter.scriptsKnown], ['42']);
  ctld.answers.push('hang');
  const slow = reporter.send(REPORT);
  await reporter.send(REPORT); // the slow one is still in flight
  await slow;
  const counts = Object.fromEntries(reporter.metrics()[0]!.samples.map((s) => [s.labels.result, s.value]));
  assert.deepEqual(counts, { ok: 1, refused: 1, error: 2, timeout: 1, skipped: 1 });
  assert.deepEqual(
    ctld.seen.map((h) => [h.authorization, h['x-slurmscope-node']]),
    Array(5).fill(['Bearer tok', 'n1']),
    'the node is named for per-node tokens',
  );
  // One line per change of state, not per failure.
  assert.deepEqual(
    log.records.map((r) => r.msg),
    ['ctld reachable: node reports delivered', 'node reports to ctld fail (sampling goes on)'],
  );
});
