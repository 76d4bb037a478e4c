// Part 3 of the ctld benchmark: the real daemon (`slurmscope ctld`) on the fake binDir, polling
// every 5 s, and an open-loop load generator on loopback at a fixed rate. Latency is taken
// from each request's scheduled start to its last byte, so that a stalled server cannot hide
// its queue (no coordinated omission); answers still out after the drain count as timed out.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { freePort, procCpuSeconds, procMemory, quantile } from './stats.mjs';

const CLI = new URL('../../collectors/cli/dist/main.js', import.meta.url).pathname;

/** Starts ctld with `interval` on `binDir`; resolves once /api/v1/availability answers 200. */
export async function startCtld({ work, binDir, interval = '5s', nodeArgs = [] }) {
  const port = await freePort();
  const cfg = join(work, 'ctld.yaml');
  writeFileSync(
    cfg,
    [
      `interval: ${interval}`,
      'log:',
      '  level: warn',
      'api:',
      `  listen: 127.0.0.1:${port}`,
      'slurm:',
      `  binDir: ${JSON.stringify(binDir)}`,
      '  timeout: 20s',
      'reports:',
      `  dir: ${JSON.stringify(join(work, 'api-reports'))}`,
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'ctld', '--config', cfg], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ctld exited (${child.exitCode}): ${stderr}`);
    const r = await get(port, '/api/v1/availability').catch(() => undefined);
    if (r?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`ctld did not answer within 30 s: ${stderr}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  return { child, port, stderr: () => stderr, cfg };
}

/** Stops ctld with SIGTERM and waits (at most 15 s) for it to exit. */
export async function stopCtld(ctld) {
  if (ctld.child.exitCode !== null) return ctld.child.exitCode;
  const exited = new Promise((res) => ctld.child.once('exit', (code) => res(code)));
  ctld.child.kill('SIGTERM');
  const t = setTimeout(() => ctld.child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(t);
  return code;
}

/** One GET (or POST with `body`) on a fresh connection; resolves with status and body. */
export function get(port, path, { body, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body ? 'POST' : 'GET',
        agent,
        timeout: 20_000,
        headers: body ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs every node report of `reports` (an array), `concurrency` at a time; returns the statuses seen. */
export async function postReports(port, reports, concurrency = 16) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses = {};
  let next = 0;
  const worker = async () => {
    while (next < reports.length) {
      const r = reports[next++];
      const res = await get(port, '/api/v1/node-reports', { body: JSON.stringify(r), agent });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return statuses;
}

/**
 * Open-loop load: request i is due at start + i / rate, whatever happened to earlier ones, on a
 * keep-alive pool of `sockets`; `paths` are taken in turn. Sending stops after `seconds`; the
 * answers still out are waited for at most `drainSeconds`, then counted as timed out.
 * `agentReports` (optional) re-POSTs node reports at their own rate alongside, as agents do;
 * `headers` (optional) go with every GET (e.g. `accept-encoding: gzip`, as browsers and Grafana send).
 */
export async function load({
  port,
  pid,
  rate,
  seconds,
  paths,
  sockets = 64,
  drainSeconds = 10,
  agentReports,
  headers,
}) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const total = Math.round(rate * seconds);
  // `paths`: [label, path or (i) => path] pairs, taken in turn; figures are kept per label.
  const byPath = Object.fromEntries(
    paths.map(([label]) => [label, { fromDue: [], bytes: 0, errors: 0, statuses: {} }]),
  );
  const posts = { fromDue: [], errors: 0, statuses: {} };
  let outstanding = 0;
  let maxOutstanding = 0;
  const cpu0 = procCpuSeconds(pid);
  const self0 = process.cpuUsage();
  const start = performance.now();
  const fire = (i) => {
    const [label, target] = paths[i % paths.length];
    const path = typeof target === 'function' ? target(i) : target;
    const due = start + (i * 1000) / rate;
    const s = byPath[label];
    outstanding++;
    maxOutstanding = Math.max(maxOutstanding, outstanding);
    const req = request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      s.statuses[res.statusCode] = (s.statuses[res.statusCode] ?? 0) + 1;
      res.on('data', (c) => (s.bytes += c.length));
      res.on('end', () => {
        const end = performance.now();
        s.fromDue.push(end - due);
        outstanding--;
      });
    });
    req.on('error', () => (s.errors++, outstanding--));
    req.end();
  };
  const firePost = (report, due) => {
    outstanding++;
    get(port, '/api/v1/node-reports', { body: JSON.stringify({ ...report, timestampMs: Date.now() }), agent })
      .then((res) => {
        posts.statuses[res.status] = (posts.statuses[res.status] ?? 0) + 1;
        posts.fromDue.push(performance.now() - due);
      })
      .catch(() => posts.errors++)
      .finally(() => outstanding--);
  };
  let sentCount = 0;
  let postCount = 0;
  const postRate = agentReports ? agentReports.reports.length / agentReports.intervalSeconds : 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sentCount < total && start + (sentCount * 1000) / rate <= now) fire(sentCount++);
      while (postRate > 0 && postCount < postRate * seconds && start + (postCount * 1000) / postRate <= now) {
        firePost(agentReports.reports[postCount % agentReports.reports.length], start + (postCount * 1000) / postRate);
        postCount++;
      }
      if (sentCount >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const sendSeconds = (performance.now() - start) / 1000;
  const drainEnd = performance.now() + drainSeconds * 1000;
  while (outstanding > 0 && performance.now() < drainEnd) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (performance.now() - start) / 1000;
  const timedOut = outstanding;
  agent.destroy();
  const c = process.cpuUsage(self0);
  const summary = (v) => ({
    n: v.length,
    p50: quantile(v, 0.5),
    p95: quantile(v, 0.95),
    p99: quantile(v, 0.99),
    max: v.length ? Math.max(...v) : NaN,
  });
  const all = Object.values(byPath);
  const completed = all.reduce((s, p) => s + p.fromDue.length, 0);
  return {
    rate,
    seconds,
    sent: total,
    sendSeconds,
    completed,
    timedOut,
    errors: all.reduce((s, p) => s + p.errors, 0),
    achievedRate: completed / elapsed,
    maxOutstanding,
    all: summary(all.flatMap((p) => p.fromDue)),
    paths: Object.fromEntries(
      Object.entries(byPath).map(([p, s]) => [
        p,
        {
          ...summary(s.fromDue),
          statuses: s.statuses,
          meanBytes: s.bytes / Math.max(1, s.fromDue.length),
          errors: s.errors,
        },
      ]),
    ),
    ...(agentReports
      ? { posts: { ...summary(posts.fromDue), statuses: posts.statuses, errors: posts.errors, rate: postRate } }
      : {}),
    ctldCpuSeconds: procCpuSeconds(pid) - cpu0,
    loadgenCpuSeconds: (c.user + c.system) / 1e6,
    ctldMemory: procMemory(pid),
  };
}

/** A counter or gauge from a Prometheus text body (sum over label sets). */
export function metric(text, name) {
  let sum;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Reads a JSON file. */
export const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
