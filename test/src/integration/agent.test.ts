// The node agent against the real local cluster: agents on all three nodes (1 s interval),
// CPU seconds of finished 30+ s jobs against Slurm's own accounting, utilization of a busy and a
// sleeping job, and the same metric names read back from VictoriaMetrics with PromQL.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cancelJob,
  fetchText,
  freePort,
  loadStack,
  metricValue,
  promQuery,
  runSlurm,
  startDaemon,
  submitJob,
  waitFor,
  waitForJobState,
  type Daemon,
} from '../lib/index.js';

const stack = loadStack();

/** Parses sacct's TotalCPU ([DD-][HH:]MM:SS[.mmm]) into seconds. */
export function parseSlurmCpuTime(text: string): number {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) throw new Error(`not a Slurm CPU time: "${text}"`);
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

test(
  'agents on three nodes: CPU seconds match sacct, utilization, points in VictoriaMetrics',
  { timeout: 240_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-it-'));
    const agents: Daemon[] = [];
    const ports: Record<string, number> = {};
    t.after(async () => {
      await Promise.all(agents.map((a) => a.stop()));
    });
    for (const node of stack.nodes) {
      ports[node] = await freePort();
      const config = join(dir, `agent-${node}.yaml`);
      writeFileSync(
        config,
        [
          'interval: 1s',
          `node: ${node}`,
          `stateDir: ${dir}/state-${node}`,
          'prometheus:',
          `  listen: 127.0.0.1:${ports[node]}`,
          'influxdb:',
          `  url: ${stack.urls.victoriametrics}`,
          '  flushInterval: 1s',
          'gpu:',
          '  mode: "off"',
          'slurm:',
          `  spoolDir: ${stack.paths.slurmdSpool}`,
          'throttle:',
          `  socket: ${dir}/run-${node}/agent.sock`,
          '',
        ].join('\n'),
      );
      agents.push(startDaemon(['agent', '--config', config], { name: `agent-${node}`, logDir: dir }));
    }
    const [busyNode, sleepNode] = [stack.nodes[0]!, stack.nodes[1]!];
    const busy = await submitJob(
      {
        wrap: 'timeout 40 sh -c "while :; do :; done"; true',
        nodelist: busyNode,
        ntasks: 1,
        mem: '64M',
        name: 'agent-busy',
        time: '3:00',
      },
      stack,
    );
    const sleeper = await submitJob(
      { wrap: 'sleep 36', nodelist: sleepNode, ntasks: 1, mem: '64M', name: 'agent-sleep', time: '3:00' },
      stack,
    );
    t.after(() => Promise.all([cancelJob(busy, stack), cancelJob(sleeper, stack)]));
    await waitForJobState(busy, ['RUNNING'], 60_000, stack);
    await waitForJobState(sleeper, ['RUNNING'], 60_000, stack);

    const scrape = (node: string): Promise<string> => fetchText(`http://127.0.0.1:${ports[node]}/metrics`);
    const busyUtil = await waitFor(
      async () => {
        const v = metricValue(await scrape(busyNode), 'slurmscope_job_cpu_utilization_ratio', {
          jobid: busy,
          node: busyNode,
        });
        return v !== undefined && v >= 0.9 ? v : undefined;
      },
      { timeoutMs: 30_000, what: `busy job ${busy} at >= 0.9 utilization on ${busyNode}` },
    );
    const sleepUtil = await waitFor(
      async () =>
        metricValue(await scrape(sleepNode), 'slurmscope_job_cpu_utilization_ratio', {
          jobid: sleeper,
          node: sleepNode,
        }),
      { timeoutMs: 30_000, what: `sleeping job ${sleeper} utilization on ${sleepNode}` },
    );
    assert.ok(busyUtil >= 0.9, `busy ${busyUtil}`);
    assert.ok(sleepUtil <= 0.05, `sleeping ${sleepUtil}`);
    t.diagnostic(`utilization: busy ${busyUtil.toFixed(3)}, sleeping ${sleepUtil.toFixed(4)}`);

    // Follow the busy job's CPU seconds at the agent's 1 s interval until its cgroup is gone.
    let lastSeen = 0;
    await waitFor(
      async () => {
        const v = metricValue(await scrape(busyNode), 'slurmscope_job_cpu_seconds_total', {
          jobid: busy,
          node: busyNode,
        });
        if (v !== undefined) lastSeen = Math.max(lastSeen, v);
        return v === undefined && lastSeen > 0;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: `job ${busy} to end on ${busyNode}` },
    );
    await waitForJobState(busy, ['COMPLETED'], 60_000, stack);
    const totalCpu = await waitFor(
      async () => {
        // The job's own line sums its steps (with -X TotalCPU would be the allocation's, always 0).
        const out = await runSlurm('sacct', ['-j', busy, '-n', '-P', '-o', 'JobID,TotalCPU'], stack);
        const line = out.split('\n').find((l) => l.startsWith(`${busy}|`));
        const s = line ? parseSlurmCpuTime(line.split('|')[1]!) : 0;
        return s > 0 ? s : undefined;
      },
      { timeoutMs: 30_000, what: `sacct TotalCPU of ${busy}` },
    );
    const error = Math.abs(lastSeen - totalCpu) / totalCpu;
    t.diagnostic(
      `job ${busy}: agent ${lastSeen.toFixed(2)} CPU-s, sacct TotalCPU ${totalCpu.toFixed(2)} s, error ${(100 * error).toFixed(2)} %`,
    );
    assert.ok(totalCpu >= 30, `the busy job ran ${totalCpu} CPU-s (needs >= 30)`);
    assert.ok(error <= 0.05, `agent ${lastSeen} vs sacct ${totalCpu}: ${(100 * error).toFixed(2)} % > 5 %`);

    // The same names in VictoriaMetrics, written through the InfluxDB line protocol.
    for (const name of [
      'slurmscope_job_cpu_seconds_total',
      'slurmscope_job_memory_used_bytes',
      'slurmscope_job_cpu_utilization_ratio',
    ]) {
      const result = await waitFor(
        async () => {
          const r = await promQuery(
            stack.urls.victoriametrics,
            `max_over_time(${name}{jobid="${busy}",node="${busyNode}"}[10m])`,
          );
          return r.length > 0 ? r : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1000, what: `${name}{jobid="${busy}"} in VictoriaMetrics` },
      );
      assert.equal(result.length, 1, name);
    }
    const vm = await promQuery(
      stack.urls.victoriametrics,
      `max_over_time(slurmscope_job_cpu_seconds_total{jobid="${busy}"}[10m])`,
    );
    const vmValue = Number(vm[0]!.value[1]);
    assert.ok(Math.abs(vmValue - lastSeen) <= 1.5, `VictoriaMetrics holds ${vmValue}, /metrics showed ${lastSeen}`);
    await waitForJobState(sleeper, ['COMPLETED'], 60_000, stack);

    // Jobs that ended (their cgroup folders removed under the agent) are no errors; every agent's
    // error counter carries its node, so VictoriaMetrics holds one series per node, not one in all.
    for (const node of stack.nodes) {
      const errors = metricValue(await scrape(node), 'slurmscope_collector_errors_total', {
        node,
        collector: 'cgroup',
      });
      assert.equal(errors, 0, `cgroup errors on ${node}`);
    }
    const errorSeries = await waitFor(
      async () => {
        const q = 'count by (node) (slurmscope_collector_errors_total{collector="cgroup",node!=""})';
        const r = await promQuery(stack.urls.victoriametrics, q);
        return r.length >= stack.nodes.length ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000, what: 'one cgroup error series per node in VictoriaMetrics' },
    );
    for (const node of stack.nodes)
      assert.ok(
        errorSeries.some((r) => r.metric.node === node),
        node,
      );

    for (const a of agents) assert.equal(await a.stop(), 0, `agent exit code (log: ${a.logFile})`);
  },
);

test(
  'a job step that exceeds its --mem: the OOM kill is counted for the job and stays counted after the step ends',
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-oom-'));
    const node = stack.nodes[stack.nodes.length - 1]!;
    const port = await freePort();
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      [
        'interval: 1s',
        `node: ${node}`,
        `stateDir: ${dir}/state`,
        'prometheus:',
        `  listen: 127.0.0.1:${port}`,
        'gpu:',
        '  mode: "off"',
        'slurm:',
        `  spoolDir: ${stack.paths.slurmdSpool}`,
        'throttle:',
        `  socket: ${dir}/run/agent.sock`,
        '',
      ].join('\n'),
    );
    const agent = startDaemon(['agent', '--config', config], { name: `agent-oom-${node}`, logDir: dir });
    t.after(() => agent.stop());
    // `tail` of /dev/zero (no newline) holds all it reads: killed at the step's 32 MiB; the step's
    // shell lives on for 8 s, then the batch script another 8 s with the step's folder gone.
    const job = await submitJob(
      {
        script: [
          '#!/bin/sh',
          "srun --mem=32M sh -c 'head -c 200M /dev/zero | tail > /dev/null; sleep 8'",
          'sleep 8',
          '',
        ].join('\n'),
        nodelist: node,
        ntasks: 1,
        mem: '48M',
        name: 'agent-oom',
        time: '2:00',
      },
      stack,
    );
    t.after(() => cancelJob(job, stack));
    const kills = async (): Promise<number | undefined> =>
      metricValue(await fetchText(`http://127.0.0.1:${port}/metrics`), 'slurmscope_job_oom_kills_total', {
        jobid: job,
        node,
      });
    const seen: number[] = [];
    await waitFor(
      async () => {
        const v = await kills();
        if (v !== undefined) seen.push(v);
        return v === undefined && seen.length > 0;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: `job ${job} to run and end on ${node}` },
    );
    t.diagnostic(`oom kills of job ${job} as scraped: ${seen.join(' ')}`);
    const first = seen.indexOf(1);
    assert.ok(first >= 0, `an OOM kill counted: ${seen.join(' ')}`);
    assert.deepEqual(seen.slice(first), new Array<number>(seen.length - first).fill(1), 'and it never drops');
    // The batch step outlived step 0 by 8 s: samples after the step's folder was gone still say 1.
    assert.ok(seen.length - first >= 10, `counted over ${seen.length - first} scrapes`);
  },
);
