// ctld in-process with the live inspector: a fake Slurm (scripts printing the 22.05 captures, a
// squeue whose output the test replaces), agents' reports POSTed, a recording mail port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctldConfigSchema, type NodeReport } from '@slurmscope/common';
import { RecordingLogger, waitUntil } from '@slurmscope/model';
import { prometheusExposition } from '@slurmscope/prometheus';
import { startCtld } from './ctld.js';
import { RecordingMail } from './inspector/testkit.js';
import type { RaisedFinding } from './inspector/types.js';
import { fakeSlurmBin } from './slurm/fake-slurm.js';

test('ctld: an uneven job raises uneven_load: on the API and the gauge, mailed once; after it ends its report lists it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ctld-findings-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const slurm = fakeSlurmBin(dir);
  writeFileSync(join(dir, 'agent.token'), 'agent-tok\n', { mode: 0o600 });
  writeFileSync(join(dir, 'admin.token'), 'admin-tok\n', { mode: 0o600 });
  const config = {
    ...ctldConfigSchema.parse({
      api: { listen: '127.0.0.1:0' },
      slurm: { binDir: dir, timeout: '5s' },
      stateDir: join(dir, 'state'),
      reports: { dir: join(dir, 'reports') },
      auth: { agentTokenFile: join(dir, 'agent.token'), adminTokenFile: join(dir, 'admin.token') },
      inspector: { minElapsed: '0ms', rules: { uneven_load: { grace: '0ms', sustain: '0ms' } } },
    }),
    interval: 200, // below the schema's 1 s floor: set after validation
  };
  const mail = new RecordingMail();
  const log = new RecordingLogger();
  const ctld = await startCtld({
    config,
    log,
    env: { PATH: '/usr/bin:/bin' },
    exposition: prometheusExposition(log),
    mail,
  });
  t.after(() => ctld.stop());
  const base = `http://127.0.0.1:${ctld.address.port}`;
  // Job 1 of the capture runs on c2 and c3: busy on c2, idle on c3.
  for (const [node, util] of [
    ['c2', 0.98],
    ['c3', 0.02],
  ] as const) {
    const report: NodeReport = {
      version: 1,
      node,
      timestampMs: Date.now(),
      intervalMs: 1000,
      cpus: 2,
      power: {},
      jobs: [
        { jobid: '1', cpus: 1, cpuSeconds: 10, cpuUtilization: util, memoryUsedBytes: 5e6, gpuSeconds: 0, gpus: [] },
      ],
    };
    const res = await fetch(`${base}/api/v1/node-reports`, {
      method: 'POST',
      headers: { authorization: 'Bearer agent-tok', 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    assert.equal(res.status, 200);
  }
  const findings = async (): Promise<RaisedFinding[]> =>
    ((await (await fetch(`${base}/api/v1/findings`)).json()) as { findings: RaisedFinding[] }).findings;
  const [f] = await waitUntil('the finding on the API', async () => {
    const list = await findings();
    return list.length > 0 ? list : undefined;
  });
  assert.deepEqual([f?.jobid, f?.kind, f?.user], ['1', 'uneven_load', 'root']);
  assert.deepEqual(
    f?.nodes.map((n) => `node ${n.node}: ${n.text}`),
    ['node c3: CPU 2 %', 'node c2: CPU 98 %'],
  );
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /^slurmscope_job_finding\{jobid="1",kind="uneven_load"\} 1$/m);
  assert.match(metrics, /^slurmscope_findings_total\{kind="uneven_load"\} 1$/m);
  const cycles = ctld.view()?.cycle ?? 0;
  await waitUntil('three more cycles', () => ((ctld.view()?.cycle ?? 0) >= cycles + 3 ? true : undefined));
  assert.deepEqual(
    mail.raisedCalls.map((x) => `${x.jobid}:${x.kind}`),
    ['1:uneven_load'],
    'the mail port was given the finding once',
  );

  // Job 1 ends: gone from squeue. sacct knows nothing, so its report is written without a record.
  const lines = readFileSync(slurm.squeueFile, 'utf8').split('\n');
  writeFileSync(slurm.squeueFile, lines.filter((l) => !l.startsWith('1|')).join('\n'));
  const report = await waitUntil('the report of job 1', () => mail.endedCalls.find((r) => r.jobid === '1'), {
    timeoutMs: 15_000,
  });
  assert.deepEqual(await findings(), [], 'no longer active');
  assert.doesNotMatch(await (await fetch(`${base}/metrics`)).text(), /^slurmscope_job_finding\{/m);
  const listed = report.findings.find((x) => x.kind === 'uneven_load');
  assert.equal(listed?.severity, 'warning');
  assert.equal(listed?.raised_at, new Date(f?.raisedAtMs ?? 0).toISOString());
  const stored = (await (
    await fetch(`${base}/api/v1/reports/1`, { headers: { authorization: 'Bearer admin-tok' } })
  ).json()) as { findings: { kind: string; nodes?: unknown[] }[] };
  assert.deepEqual(
    stored.findings.find((x) => x.kind === 'uneven_load')?.nodes,
    JSON.parse(JSON.stringify(f?.nodes)),
    'the stored report lists it with its per-node figures',
  );
  assert.equal(mail.raisedCalls.length, 1, 'still mailed once');
});
