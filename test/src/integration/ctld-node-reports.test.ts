// Node reports are claims, checked against the real cluster: ctld with per-node (HMAC) agent
// tokens and a job running on one node. A genuine agent on that node is believed; a report
// forged from another node (with that node's own token) claiming the job is refused and counted,
// a node Slurm does not know is refused, and node A's token cannot speak for node B.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
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
import { startCli, waitForOk, type CliProcess } from './ctld-processes.js';

const stack = loadStack();
const SECRET = `secret-${process.pid}-${Date.now()}`;
/** A node's token as the admin derives it: HMAC-SHA256(secret, node name), hex (README's openssl line). */
const tokenOf = (node: string): string => createHmac('sha256', SECRET).update(node).digest('hex');

test(
  'forged node reports are refused and counted; per-node tokens speak only for their node',
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ctld-node-reports-'));
    const procs: CliProcess[] = [];
    t.after(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
    });
    writeFileSync(join(dir, 'secret'), `${SECRET}\n`, { mode: 0o600 });
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SLURM_CONF: stack.paths.slurmConf, HOME: dir };
    const ctldPort = await freePort();
    const ctldUrl = `http://127.0.0.1:${ctldPort}`;
    writeFileSync(
      join(dir, 'ctld.yaml'),
      JSON.stringify({
        interval: '1s',
        api: { listen: `127.0.0.1:${ctldPort}` },
        auth: { agentTokenFile: join(dir, 'secret'), agentAuth: 'hmac' },
        reports: { dir: join(dir, 'reports') },
      }),
    );
    const ctld = startCli(['ctld', '--config', join(dir, 'ctld.yaml')], { env });
    procs.push(ctld);
    const [home, other] = [stack.nodes[0]!, stack.nodes[1]!];

    // The genuine agent of `home`, with its own token.
    writeFileSync(join(dir, `token-${home}`), `${tokenOf(home)}\n`, { mode: 0o600 });
    const agentPort = await freePort();
    writeFileSync(
      join(dir, 'agent.yaml'),
      JSON.stringify({
        interval: '1s',
        node: home,
        stateDir: join(dir, 'state'),
        prometheus: { listen: `127.0.0.1:${agentPort}` },
        ctld: { url: ctldUrl, tokenFile: join(dir, `token-${home}`) },
        gpu: { mode: 'off' },
        slurm: { spoolDir: stack.paths.slurmdSpool.replace('%n', home) },
        throttle: { socket: join(dir, 'run', 'agent.sock') },
      }),
    );
    const agent = startCli(['agent', '--config', join(dir, 'agent.yaml')], { env });
    procs.push(agent);
    await waitForOk(`${ctldUrl}/api/v1/availability`, ctld);

    const jobid = await submitJob(
      { wrap: 'sleep 90', nodelist: home, mem: '32M', name: 'forged-report', time: '3:00' },
      stack,
    );
    t.after(async () => {
      await cancelJob(jobid, stack);
      await waitForJobState(jobid, ['CANCELLED', 'COMPLETED'], 60_000, stack);
    });
    await waitForJobState(jobid, ['RUNNING'], 60_000, stack);
    // ctld's snapshot knows the job, and the genuine agent's report of it is believed.
    await waitFor(
      async () => {
        const body = JSON.parse(await fetchText(`${ctldUrl}/api/v1/jobs/${jobid}`).catch(() => '{}')) as {
          job?: { nodes: Array<{ node: string; reported: boolean }> };
        };
        return body.job?.nodes.some((n) => n.node === home && n.reported) === true;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `job ${jobid} reported by the agent on ${home}` },
    );

    const post = async (node: string, token: string, body: object): Promise<number> => {
      const res = await fetch(`${ctldUrl}/api/v1/node-reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'x-slurmscope-node': node, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      return res.status;
    };
    const report = (node: string, jobs: object[] = []) => ({
      version: 1,
      node,
      timestampMs: Date.now(),
      intervalMs: 1000,
      cpus: 1,
      power: {},
      jobs,
    });
    const claim = {
      jobid,
      cpus: 1,
      cpuSeconds: 1e6,
      cpuUtilization: 1,
      memoryUsedBytes: 1e12,
      gpuSeconds: 0,
      gpus: [],
      script: '#!/bin/sh\necho forged',
    };
    // `other` is a real node with its own valid token, but Slurm does not run the job there.
    assert.equal(await post(other, tokenOf(other), report(other, [claim])), 200, 'the report itself is accepted');
    assert.equal(await post('nosuchnode', tokenOf('nosuchnode'), report('nosuchnode')), 403, 'unknown node');
    assert.equal(await post(home, tokenOf(other), report(home)), 401, "other's token with home's name");
    assert.equal(await post(other, tokenOf(other), report(home, [claim])), 403, "other's token, a report for home");

    const refused = (text: string, reason: string) =>
      metricValue(text, 'slurmscope_ctld_node_reports_refused_total', { reason });
    const metrics = await fetchText(`${ctldUrl}/metrics`);
    assert.equal(refused(metrics, 'job_not_on_node'), 1);
    assert.equal(refused(metrics, 'unknown_node'), 1);
    assert.equal(refused(metrics, 'node_token_mismatch'), 1);
    assert.equal(refused(metrics, 'script_not_batch_node'), 0, 'the job was refused before its script');
    assert.equal(metricValue(metrics, 'slurmscope_ctld_node_reports_total', { result: 'unauthorized' }), 2);

    // The forged node never appears in the job's view; the genuine agent's reports keep arriving.
    const view = JSON.parse(await fetchText(`${ctldUrl}/api/v1/jobs/${jobid}`)) as {
      job: { nodes: Array<{ node: string; cpuUtilization?: number }> };
    };
    assert.deepEqual(
      view.job.nodes.map((n) => n.node),
      [home],
    );
    const sent = await waitFor(
      async () => {
        const v = metricValue(
          await fetchText(`http://127.0.0.1:${agentPort}/metrics`),
          'slurmscope_agent_ctld_reports_total',
          {
            node: home,
            result: 'ok',
          },
        );
        return v !== undefined && v >= 2 ? v : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: `the agent on ${home} counting its delivered reports` },
    );
    const agentMetrics = await fetchText(`http://127.0.0.1:${agentPort}/metrics`);
    assert.equal(
      metricValue(agentMetrics, 'slurmscope_agent_ctld_reports_total', { node: home, result: 'refused' }),
      0,
    );
    t.diagnostic(`job ${jobid} on ${home}: forged claim from ${other} refused; agent delivered ${sent} reports`);
  },
);
