import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { LocalArchive, type JobReport } from '@slurmscope/ctld';
import { RecordingLogger } from '@slurmscope/model';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const fixture = (id: string): JobReport =>
  JSON.parse(
    readFileSync(new URL(`../../../ctld/testdata/reports/report-${id}.json`, import.meta.url), 'utf8'),
  ) as JobReport;

async function archive(): Promise<{ config: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cli-report-'));
  const a = await LocalArchive.open({
    dir,
    cluster: 'testcluster',
    log: new RecordingLogger(),
    grantRead: () => Promise.resolve(),
  });
  await a.put(fixture('1236'));
  await a.put(fixture('1240'));
  await a.close();
  const config = join(dir, 'ctld.yaml');
  writeFileSync(config, `cluster: testcluster\nreports:\n  dir: ${dir}\n`);
  return { config, dir };
}

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [main, 'report', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 20_000,
  });

test('report JOBID: a text summary with record, resources, energy, CO2 note, findings and script', async () => {
  const { config } = await archive();
  for (const id of ['1236', '1234_5']) {
    const r = cli([id, '--config', config]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Job 1234_5 \(raw id 1236\) on cluster testcluster$/m);
    assert.match(r.stdout, /user {8}alice \(uid 1000\), account physics, partition batch/);
    assert.match(r.stdout, /state {7}COMPLETED, exit code 0:0/);
    assert.match(r.stdout, /CPUs {8}2 allocated, 600\.0 CPU s used, efficiency 50\.0 %/);
    assert.match(r.stdout, /memory {6}peak 512\.0 MiB of 1\.00 GiB requested \(50\.0 %\)/);
    assert.match(r.stdout, /energy {6}72000 J \(0\.0200 kWh\)/);
    assert.match(r.stdout, /CO2e {8}7\.20 g at 300 g\/kWh, PUE 1\.2/);
    assert.match(r.stdout, /RAPL \+ GPU energy leaves out power supplies, fans, network and disks/);
    assert.match(r.stdout, /Findings: none/);
    assert.match(r.stdout, /Batch script \(from agent\):\n#!\/bin\/bash\nsrun \.\/simulate --steps 100\n$/);
  }
});

test('report JOBID --json: the archived report as JSON', async () => {
  const { config } = await archive();
  const r = cli(['1234_5', '--json', '--config', config]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), fixture('1236'));
});

test('report --compare A B: a table of both values and their ratio', async () => {
  const { config } = await archive();
  const r = cli(['--compare', '1234_5', '1240', '--config', config]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^field\s+A: 1234_5\s+B: 1240\s+B\/A$/m);
  assert.match(r.stdout, /^cpu_seconds\s+600\s+1100\s+1\.83$/m);
  assert.match(r.stdout, /^energy_joules\s+72000\s+72000\s+1\.00$/m);
  assert.match(r.stdout, /^batch scripts: different$/m);
  assert.equal(cli(['--compare', '1236', '--config', config]).status, 2);
});

test('report: unknown job exits 1 with a clear message; a malformed id is a usage error', async () => {
  const { config, dir } = await archive();
  const r = cli(['999', '--config', config]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `slurmscope report: no report for job 999 in ${join(dir, 'testcluster')}\n`);
  const bad = cli(['../1236', '--config', config]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /is not a job id/);
});

test('report: a job not readable here is asked of ctld with the Slurm JWT', async () => {
  const { config } = await archive();
  const bin = mkdtempSync(join(tmpdir(), 'cli-bin-'));
  writeFileSync(join(bin, 'scontrol'), '#!/bin/sh\n[ "$1" = token ] && echo "SLURM_JWT=jwt.for.alice"\n');
  chmodSync(join(bin, 'scontrol'), 0o755);
  const seen: string[] = [];
  const remote = { ...fixture('1240'), jobid: '555', display_id: '555' };
  const server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization}`);
    if (req.url === '/api/v1/reports/555' && req.headers.authorization === 'Bearer jwt.for.alice') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(remote));
    } else res.writeHead(404).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const run = (id: string) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [main, 'report', id, '--json', '--config', config], {
        env: { PATH: `${bin}:${process.env.PATH}`, SLURMSCOPE_CTLD_URL: url },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => resolve({ code, out, err }));
    });
  try {
    const ok = await run('555');
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(JSON.parse(ok.out), remote);
    const missing = await run('556');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no report for job 556 \(asked http/);
    assert.deepEqual(seen, ['/api/v1/reports/555 Bearer jwt.for.alice', '/api/v1/reports/556 Bearer jwt.for.alice']);
  } finally {
    server.close();
  }
});

test('report: a report file that inflates beyond the bound is refused, naming it; a 5,000-digit id is a usage error', async () => {
  const { config, dir } = await archive();
  const bomb = join(dir, 'testcluster', '999.json.gz');
  writeFileSync(bomb, gzipSync(Buffer.alloc(40 * 1024 * 1024), { level: 9 })); // 40 KB → 40 MiB
  const r = cli(['999', '--config', config]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(
    r.stderr,
    `slurmscope report: ${bomb}: report larger than ${16 * 1024 * 1024} bytes once inflated; refused\n`,
  );
  const long = cli(['9'.repeat(5000), '--config', config]);
  assert.equal(long.status, 2);
  assert.match(long.stderr, /is not a job id/);
});
