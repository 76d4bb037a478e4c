// Proves the local stack (test/stack/start): a real two-node Slurm job with its cgroups and its
// accounting record, a point through @influxdata/influxdb-client into VictoriaMetrics read back
// with PromQL, and a mail stored by the SMTP sink.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { cancelJob, loadStack, runSlurm, sendMail, submitJob, waitFor, waitForJobState } from '../lib/index.js';

const stack = loadStack();

interface SqueueJob {
  job_id: number;
  job_state: string;
  nodes: string;
}
interface SacctJob {
  job_id: number;
  state: { current: string };
}

test('a two-node job runs with a cgroup on each node and is accounted', { timeout: 120_000 }, async (t) => {
  const id = await submitJob(
    { wrap: 'srun sleep 6', nodes: 2, ntasks: 2, mem: '50M', name: 'stack-test', time: '2:00' },
    stack,
  );
  t.after(() => cancelJob(id, stack));
  await waitForJobState(id, ['RUNNING'], 60_000, stack);

  const queue = JSON.parse(await runSlurm('squeue', ['--json'], stack)) as { jobs: SqueueJob[] };
  const job = queue.jobs.find((j) => String(j.job_id) === id);
  assert.ok(job, `job ${id} missing from squeue --json`);
  assert.equal(job.job_state, 'RUNNING');
  const nodes = (await runSlurm('scontrol', ['show', 'hostnames', job.nodes], stack)).trim().split('\n');
  assert.equal(nodes.length, 2, `job ${id} runs on ${job.nodes}`);
  for (const node of nodes) assert.ok(stack.nodes.includes(node), `${node} is not one of ${stack.nodes.join(',')}`);

  const uid = process.getuid?.() ?? 0;
  const dirs = nodes.map((n) => join(stack.paths.cgroupRoot, 'cpuacct', `slurm_${n}`, `uid_${uid}`, `job_${id}`));
  await waitFor(() => dirs.every((d) => existsSync(d)), {
    timeoutMs: 15_000,
    what: `cgroup dirs ${dirs.join(' ')}`,
  });

  await waitForJobState(id, ['COMPLETED'], 60_000, stack);
  const acct = await waitFor(
    async () => {
      const out = JSON.parse(await runSlurm('sacct', ['--json', '-j', id], stack)) as { jobs: SacctJob[] };
      const rec = out.jobs.find((j) => String(j.job_id) === id);
      return rec?.state.current === 'COMPLETED' ? rec : undefined;
    },
    { timeoutMs: 30_000, what: `sacct --json to report job ${id} COMPLETED` },
  );
  assert.equal(acct.state.current, 'COMPLETED');
  // AccountingStoreFlags=job_script: slurmdbd keeps the batch script for job reports.
  const script = await runSlurm('sacct', ['-B', '-j', id], stack);
  assert.match(script, /srun sleep 6/);
});

test('a point written with influxdb-client is read back from VictoriaMetrics with PromQL', async () => {
  const run = `r${process.pid}${Date.now()}`;
  const writeApi = new InfluxDB({ url: stack.urls.victoriametrics, token: '' }).getWriteApi('', 'slurmscope', 'ms');
  writeApi.writePoint(new Point('slurmscope_stacktest').tag('run', run).floatField('value', 42.5));
  await writeApi.close();

  const query = `slurmscope_stacktest_value{run="${run}"}`;
  const value = await waitFor(
    async () => {
      const url = `${stack.urls.victoriametrics}/api/v1/query?query=${encodeURIComponent(query)}`;
      const res = await fetch(url);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
      return body.data.result[0]?.value[1];
    },
    { timeoutMs: 20_000, intervalMs: 250, what: `VictoriaMetrics to answer ${query}` },
  );
  assert.equal(Number(value), 42.5);
});

test('the SMTP sink stores a mail as a file', async () => {
  const subject = `stack test ${process.pid} ${Date.now()}`;
  await sendMail({
    ...stack.smtp,
    from: 'test@slurmscope.local',
    to: 'user@slurmscope.local',
    subject,
    body: 'hi\n.dot',
  });
  const file = await waitFor(
    () =>
      readdirSync(stack.paths.mail)
        .filter((f) => f.endsWith('.eml'))
        .find((f) => readFileSync(join(stack.paths.mail, f), 'utf8').includes(subject)),
    { timeoutMs: 10_000, what: `a mail with subject "${subject}" in ${stack.paths.mail}` },
  );
  const text = readFileSync(join(stack.paths.mail, file), 'utf8');
  assert.match(text, /^To: <user@slurmscope\.local>$/m);
  assert.match(text, /^\.dot$/m, 'the sink undoes the dot-stuffing');
});
