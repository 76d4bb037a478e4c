// Slurm is precious: 50 concurrent clients hammering ctld's API and /metrics for 30 s cost
// slurmctld exactly what ctld's own polls cost, per RPC message type (sdiag's counters).
// ctld runs under its own uid, so sdiag's per-user section tells its RPCs from the rest of the
// cluster's traffic (other tests may share the stack); from a copy of the built CLI when that uid
// cannot read the checkout (a clone under /root, mode 0700: see startCli).
import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RPCS_PER_COMMAND } from '@slurmscope/ctld';
import { freePort, loadStack, metricValue, runSlurm } from '../lib/index.js';
import { logLine, parseSdiagRpcs, startCli, waitForOk, type RpcCounts } from './ctld-processes.js';

const stack = loadStack();
/** A uid with no other use on the machine (no passwd entry needed for Slurm's read RPCs). */
const CTLD_UID = 61234;
const CLIENTS = 50;
const HAMMER_MS = 30_000;

const sdiag = async (): Promise<RpcCounts> => parseSdiagRpcs(await runSlurm('sdiag', [], stack));
const diff = (after: Record<string, number>, before: Record<string, number>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) !== 0) out[k] = v - (before[k] ?? 0);
  return out;
};

test(
  '50 API clients for 30 s: slurmctld RPCs change by polls × RPCs per poll, per message type',
  { timeout: 120_000 },
  async (t) => {
    const rpcs: Readonly<Record<string, Readonly<Record<string, number>>>> = RPCS_PER_COMMAND;
    const dir = mkdtempSync(join(tmpdir(), 'ctld-rpc-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    chownSync(dir, CTLD_UID, CTLD_UID);
    const port = await freePort();
    const cfg = join(dir, 'ctld.yaml');
    writeFileSync(
      cfg,
      JSON.stringify({
        interval: '2s',
        api: { listen: `127.0.0.1:${port}` },
        slurm: { timeout: '10s' },
        reports: { dir: join(dir, 'reports') },
      }),
    );
    const base = `http://127.0.0.1:${port}`;

    const before = await sdiag();
    const ctld = startCli(['ctld', '--config', cfg], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SLURM_CONF: stack.paths.slurmConf, HOME: dir },
      uid: CTLD_UID,
    });
    t.after(() => ctld.stop());
    await waitForOk(`${base}/api/v1/availability`, ctld);

    const paths = ['/api/v1/availability', '/api/v1/webjobs', '/metrics'];
    const statuses: Record<string, number> = {};
    const deadline = Date.now() + HAMMER_MS;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let i = client; Date.now() < deadline && i < client + 1_000_000; i++) {
          const res = await fetch(`${base}${paths[i % paths.length]}`);
          await res.arrayBuffer();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        }
      }),
    );
    const seconds = (Date.now() - t0) / 1000;
    const requests = Object.values(statuses).reduce((s, n) => s + n, 0);
    const during = metricValue(await (await fetch(`${base}/metrics`)).text(), 'slurmscope_slurm_commands_total', {
      command: 'nodes',
    });
    assert.equal(await ctld.stop(), 0, `ctld exit code; stderr: ${ctld.stderr().slice(-1500)}`);
    const after = await sdiag();

    // ctld's own count of the commands it ran, logged as it stopped (the same counters as /metrics).
    const stopped = logLine(ctld.stderr(), 'ctld stopped') as
      { polls: number; commands: Record<string, number> } | undefined;
    assert.ok(stopped, `no "ctld stopped" line in ${ctld.stderr().slice(-1500)}`);
    assert.ok(
      during !== undefined && during <= stopped.commands.nodes!,
      'the /metrics counter agrees with the final count',
    );
    const expected: Record<string, number> = {};
    for (const [command, count] of Object.entries(stopped.commands)) {
      for (const [type, per] of Object.entries(rpcs[command] ?? {}))
        expected[type] = (expected[type] ?? 0) + count * per;
    }
    const ctldTotal = Object.values(expected).reduce((s, n) => s + n, 0);
    const own = { REQUEST_STATS_INFO: 1 }; // the "before" sdiag; the "after" one is counted after it answers
    const byType = diff(after.byType, before.byType);
    const byUid = diff(after.byUid, before.byUid);
    const others = Object.entries(byUid).reduce((s, [uid, n]) => s + (uid === String(CTLD_UID) ? 0 : n), 0) - 1;
    t.diagnostic(
      `${requests} requests in ${seconds.toFixed(1)} s (${(requests / seconds).toFixed(0)}/s) by ${CLIENTS} clients, statuses ${JSON.stringify(statuses)}; ` +
        `ctld polls ${stopped.polls}, commands ${JSON.stringify(stopped.commands)}; sdiag delta by type ${JSON.stringify(byType)}, ` +
        `by uid ${JSON.stringify(byUid)}; expected from ctld ${JSON.stringify(expected)}; other clients' RPCs ${others}`,
    );

    assert.deepEqual(Object.keys(statuses), ['200'], 'every API and /metrics request answered 200');
    assert.ok(requests > CLIENTS * 10, `only ${requests} requests`);
    assert.ok(stopped.polls >= 14 && stopped.polls <= 22, `${stopped.polls} polls in ~${seconds.toFixed(0)} s at 2 s`);
    assert.equal(byUid[String(CTLD_UID)], ctldTotal, "ctld's uid made exactly its polls' RPCs");
    const want = { ...expected };
    for (const [type, n] of Object.entries(own)) want[type] = (want[type] ?? 0) + n;
    if (others === 0) {
      assert.deepEqual(byType, want, 'per message type: polls × RPCs per poll + the test’s own sdiag');
    } else {
      // Someone else used the shared cluster meanwhile: per type, ctld's share is still a lower bound,
      // and the exact check is the per-uid one above.
      t.diagnostic(`other clients made ${others} RPCs meanwhile: per-type check relaxed to >=`);
      for (const [type, n] of Object.entries(want))
        assert.ok((byType[type] ?? 0) >= n, `${type}: ${byType[type]} < ${n}`);
    }
  },
);
