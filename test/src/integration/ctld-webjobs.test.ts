// Webjobs on the real cluster: agents on two nodes report a two-node job that burns a core on
// one node and sleeps on the other; ctld shows its load imbalance >= 0.8 on /metrics and in
// /api/v1/webjobs within two ctld cycles of both agents measuring the job.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cancelJob,
  fetchText,
  freePort,
  loadStack,
  metricValue,
  submitJob,
  waitFor,
  waitForJobState,
} from '../lib/index.js';
import { startAgents, startCli, waitForOk, waitNodesReporting, type CliProcess } from './ctld-processes.js';

const stack = loadStack();
const CTLD_INTERVAL_MS = 2000;
const AGENT_INTERVAL_MS = 1000;

interface WebjobNode {
  node: string;
  reported: boolean;
  cpuUtilization?: number;
}
interface Webjob {
  jobid: string;
  nodes: WebjobNode[];
  loadImbalance?: number;
  cpuEfficiency?: number;
}

test(
  'a two-node job busy on one node and idle on the other: imbalance >= 0.8 within two cycles',
  { timeout: 180_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ctld-webjobs-'));
    const procs: CliProcess[] = [];
    t.after(async () => {
      const codes = await Promise.all(procs.map((p) => p.stop()));
      assert.deepEqual(
        codes,
        procs.map(() => 0),
        'every daemon exits 0 on SIGTERM',
      );
      rmSync(dir, { recursive: true, force: true });
    });
    const token = join(dir, 'agent.token');
    writeFileSync(token, `tok-${process.pid}-${Date.now()}\n`, { mode: 0o600 });
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SLURM_CONF: stack.paths.slurmConf, HOME: dir };

    const ctldPort = await freePort();
    const ctldUrl = `http://127.0.0.1:${ctldPort}`;
    writeFileSync(
      join(dir, 'ctld.yaml'),
      JSON.stringify({
        interval: `${CTLD_INTERVAL_MS}ms`,
        api: { listen: `127.0.0.1:${ctldPort}` },
        auth: { agentTokenFile: token },
        reports: { dir: join(dir, 'reports') },
      }),
    );
    const ctld = startCli(['ctld', '--config', join(dir, 'ctld.yaml')], { env });
    procs.push(ctld);

    const nodes = [stack.nodes[0]!, stack.nodes[1]!];
    const agents = await startAgents({
      dir,
      nodes,
      ctldUrl,
      tokenFile: token,
      intervalMs: AGENT_INTERVAL_MS,
      slurmdSpool: stack.paths.slurmdSpool,
      env,
    });
    procs.push(...agents.procs);
    const agentPorts = agents.ports;
    await waitForOk(`${ctldUrl}/api/v1/availability`, ctld);
    await waitNodesReporting(ctldUrl, 2);

    // srun places task 0 on the allocation's first node (SLURM_NODEID 0): it burns, the other sleeps.
    const script = [
      '#!/bin/bash',
      'srun -N2 -n2 --ntasks-per-node=1 bash -c \'if [ "$SLURM_NODEID" = 0 ]; then timeout 150 bash -c "while :; do :; done"; else sleep 150; fi\'',
      '',
    ].join('\n');
    const jobid = await submitJob(
      { script, nodes: 2, ntasks: 2, nodelist: nodes.join(','), mem: '64M', name: 'ctld-imbalance', time: '4:00' },
      stack,
    );
    t.after(async () => {
      await cancelJob(jobid, stack);
      await waitForJobState(jobid, ['CANCELLED', 'COMPLETED'], 60_000, stack);
    });
    await waitForJobState(jobid, ['RUNNING'], 60_000, stack);

    // Both agents measure the job (utilization needs two samples of its cgroup).
    const utils = await waitFor(
      async () => {
        const vals = await Promise.all(
          nodes.map(async (node) =>
            metricValue(
              await fetchText(`http://127.0.0.1:${agentPorts[node]}/metrics`),
              'slurmscope_job_cpu_utilization_ratio',
              { jobid, node },
            ),
          ),
        );
        return vals.every((v) => v !== undefined) ? vals : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `both agents measuring job ${jobid}` },
    );
    const both = Date.now();

    const imbalance = await waitFor(
      async () => {
        const v = metricValue(await fetchText(`${ctldUrl}/metrics`), 'slurmscope_job_load_imbalance_ratio', { jobid });
        return v !== undefined && v >= 0.8 ? v : undefined;
      },
      // Two ctld cycles, plus one agent interval for the report to leave the agent.
      {
        timeoutMs: 2 * CTLD_INTERVAL_MS + AGENT_INTERVAL_MS + 500,
        intervalMs: 100,
        what: `imbalance >= 0.8 of job ${jobid} on ctld /metrics`,
      },
    );
    const latencyMs = Date.now() - both;
    const body = JSON.parse(await fetchText(`${ctldUrl}/api/v1/webjobs`)) as { stale: boolean; jobs: Webjob[] };
    const job = body.jobs.find((j) => j.jobid === jobid);
    assert.ok(job, `job ${jobid} missing from /api/v1/webjobs`);
    assert.equal(body.stale, false);
    assert.ok((job.loadImbalance ?? 0) >= 0.8, `webjobs imbalance ${job.loadImbalance}`);
    assert.deepEqual(job.nodes.map((n) => n.node).sort(), [...nodes].sort());
    assert.ok(job.nodes.every((n) => n.reported));
    const perNode = job.nodes.map((n) => n.cpuUtilization ?? -1).sort((a, b) => a - b);
    // The burning task gets less than a whole core when the shared host is busy: the imbalance
    // stays near 1 as long as the sleeping node is near 0.
    assert.ok(perNode[1]! >= 0.5 && perNode[0]! <= 0.1, `per-node CPU utilization ${perNode.join(', ')}`);
    t.diagnostic(
      `job ${jobid}: agents ${utils.map((u) => u!.toFixed(3)).join(' / ')}; ctld imbalance ${imbalance.toFixed(3)} ` +
        `${latencyMs} ms after both agents measured it; webjobs per node ${perNode.map((u) => u.toFixed(3)).join(', ')}, efficiency ${job.cpuEfficiency?.toFixed(3)}`,
    );
    const one = JSON.parse(await fetchText(`${ctldUrl}/api/v1/jobs/${jobid}`)) as { job: Webjob };
    assert.equal(one.job.jobid, jobid);
  },
);
