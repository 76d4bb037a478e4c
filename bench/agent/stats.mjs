// Small helpers shared by the agent benchmark's scripts: percentiles, /proc readings, free ports.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Buffer } from 'node:buffer';
import { request } from 'node:http';

/** The q-quantile (0..1) of `values` by nearest rank; NaN when empty. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** Median, p95 and mean of `values`. */
export function summary(values) {
  const mean = values.length === 0 ? NaN : values.reduce((s, v) => s + v, 0) / values.length;
  return { n: values.length, median: quantile(values, 0.5), p95: quantile(values, 0.95), mean };
}

/** VmRSS, VmHWM (peak), RssAnon and RssFile of process `pid` in bytes, from /proc/<pid>/status. */
export function procMemory(pid, proc = '/proc') {
  const text = readFileSync(`${proc}/${pid}/status`, 'utf8');
  const kb = (key) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!m) throw new Error(`${proc}/${pid}/status: no ${key} line`);
    return Number(m[1]) * 1024;
  };
  return { rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM'), anonBytes: kb('RssAnon'), fileBytes: kb('RssFile') };
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux since forever). */
export const USER_HZ = 100;

/** utime+stime of process `pid` in seconds (all its threads), from /proc/<pid>/stat. */
export function procCpuSeconds(pid, proc = '/proc') {
  const text = readFileSync(`${proc}/${pid}/stat`, 'utf8');
  // The command name is in parentheses and may hold spaces: fields count from after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** GETs http://127.0.0.1:<port><path> and resolves with the status and body. */
export function httpGet(port, path = '/metrics', timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET :${port}${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Retries `httpGet` until it answers 200 or `timeoutMs` passes (a server starting up). */
export async function waitForHttp(port, path, timeoutMs, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the server on :${port} exited before answering`);
    try {
      const r = await httpGet(port, path, 1000);
      if (r.status === 200) return r;
      last = new Error(`status ${r.status}`);
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no answer on :${port}${path} within ${timeoutMs} ms: ${last?.message}`);
}

/** The value of the first sample of `name` in a Prometheus text exposition, or undefined. */
export function metricValue(text, name) {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Milliseconds with two decimals, MB with one: the units of the results table. */
export const fmt = {
  ms: (s) => (Number.isFinite(s) ? (s * 1000).toFixed(2) : 'n/a'),
  mb: (b) => (Number.isFinite(b) ? (b / 1048576).toFixed(1) : 'n/a'),
  x: (r) => (Number.isFinite(r) ? r.toFixed(1) : 'n/a'),
};
