// Small helpers of the ctld benchmark: percentiles, CPU and memory readings, a free port.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The q-quantile (0..1) of `values` by nearest rank; NaN when empty. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Median of `values`. */
export const median = (values) => quantile(values, 0.5);

/** Runs `fn` and returns its result with CPU seconds (process-wide: every thread) and wall seconds. */
export async function measure(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { result, cpu: (c.user + c.system) / 1e6, wall };
}

/** Peak RSS of this process so far in bytes (getrusage ru_maxrss). */
export const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

/** utime+stime of process `pid` in seconds, from /proc/<pid>/stat (USER_HZ 100). */
export function procCpuSeconds(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** VmRSS and VmHWM (peak) of process `pid` in bytes. */
export function procMemory(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
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

/** A Logger (the @slurmscope/model port) that counts warnings and errors and prints nothing. */
export function quietLogger(counts = { warn: 0, error: 0 }) {
  const log = {
    counts,
    debug() {},
    info() {},
    warn() {
      counts.warn++;
    },
    error(fields, msg) {
      counts.error++;
      counts.lastError = `${msg} ${JSON.stringify(fields)}`;
    },
    child: () => log,
  };
  return log;
}

/** Formats seconds as ms with one decimal. */
export const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
/** Formats bytes as MB (10^6) with one decimal. */
export const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
