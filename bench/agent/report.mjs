// The agent benchmark's results as Markdown: machine, commands, one table per part, targets.
import { fmt } from './stats.mjs';

/** The targets (issue 3, "Speed"). */
export const TARGETS = { cpu64Seconds: 0.01, floorRatio256: 3, peakRssBytes: 60 * 1048576 };

const row = (cells) => `| ${cells.join(' | ')} |`;
const ms = (s) => fmt.ms(s);
const medP95 = (s) => `${ms(s.median)} / ${ms(s.p95)}`;

function configTable(configs) {
  const head = [
    'cgroup',
    'jobs',
    'files + dirs / cycle',
    'sample() CPU',
    '/metrics text CPU',
    'line protocol CPU',
    'cycle CPU median / p95',
    'cycle CPU mean',
    'cycle wall median / p95',
    'floor CPU median',
    'cycle / floor',
    'peak RSS',
    'RSS after',
  ];
  const lines = [row(head), row(head.map((_, i) => (i < 2 ? '---' : '---:')))];
  for (const c of configs) {
    lines.push(
      row([
        `v${c.version}`,
        c.jobs,
        `${c.reads.floorFiles} + ${c.reads.floorListings}`,
        ms(c.sample.median),
        ms(c.render.median),
        ms(c.encode.median),
        medP95(c.cpu),
        ms(c.cpu.mean),
        medP95(c.wall),
        ms(c.floor.median),
        `${fmt.x(c.cpu.median / c.floor.median)}x`,
        fmt.mb(c.memory.maxRss),
        fmt.mb(c.memory.rssAfterRun),
      ]),
    );
  }
  return lines.join('\n');
}

function daemonTable(daemon) {
  const head = [
    'node flags',
    'jobs',
    'cycles seen',
    'cycle CPU (own metric) median / p95',
    'process CPU per second',
    'VmRSS',
    'VmHWM (peak)',
    'RssAnon / RssFile',
  ];
  const lines = [row(head), row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'])];
  for (const d of daemon) {
    lines.push(
      row([
        d.nodeArgs.length > 0 ? `\`${d.nodeArgs.join(' ')}\`` : '(as shipped)',
        d.jobs,
        d.cycleCpu.n,
        medP95(d.cycleCpu),
        ms(d.processCpuPerSecond),
        fmt.mb(d.rssBytes),
        fmt.mb(d.hwmBytes),
        `${fmt.mb(d.anonBytes)} / ${fmt.mb(d.fileBytes)}`,
      ]),
    );
  }
  return lines.join('\n');
}

function yardstickLines(y) {
  const out = [];
  const ne = y.nodeExporter;
  if (ne?.skipped) out.push(`- prometheus-node-exporter: skipped: ${ne.skipped}`);
  else if (ne)
    out.push(
      `- prometheus-node-exporter (default collectors, ${ne.exposition.series} series, ${(ne.exposition.bytes / 1024).toFixed(0)} KiB): ` +
        `**${ms(ne.cpuPerScrape)} ms CPU per scrape** (utime+stime over ${ne.scrapes} scrapes, 10 ms tick resolution), ` +
        `VmRSS ${fmt.mb(ne.rssBytes)} MB, VmHWM ${fmt.mb(ne.hwmBytes)} MB (RssAnon ${fmt.mb(ne.anonBytes)} / RssFile ${fmt.mb(ne.fileBytes)} MB). \`${ne.command}\``,
    );
  const b = y.bareNode;
  const anonFile = (x) => `RssAnon ${fmt.mb(x.anonBytes)} / RssFile ${fmt.mb(x.fileBytes)} MB`;
  if (b)
    out.push(
      `- bare Node HTTP server: VmRSS ${fmt.mb(b.rssBytes)} MB, VmHWM ${fmt.mb(b.hwmBytes)} MB (${anonFile(b)}). \`${b.command}\``,
    );
  const i = y.importOnly;
  if (i)
    out.push(
      `- Node with the agent's modules imported, an HTTP server, no sampling: VmRSS ${fmt.mb(i.rssBytes)} MB, ` +
        `VmHWM ${fmt.mb(i.hwmBytes)} MB (${anonFile(i)}). \`${i.command}\``,
    );
  const m = y.modules;
  if (m) {
    const list = (steps) => steps.map((s) => `${s.name} ${fmt.mb(s.bytes)}`).join(', ');
    const others = m.steps.filter((s) => s.agent === false);
    out.push(
      `- resident MB each import adds, in this order, after a full GC (\`${m.command}\`): ` +
        `${list(m.steps.filter((s) => s.agent !== false))} (from ${fmt.mb(m.startBytes)} to ` +
        `${fmt.mb(m.agentEndBytes ?? m.endBytes)} MB)` +
        (others.length > 0 ? `; then, not loaded by the agent, for comparison: ${list(others)}` : ''),
    );
  }
  return out.join('\n');
}

function targetLines(r) {
  const at = (v, n) => r.configs.find((c) => c.version === v && c.jobs === n);
  const verdict = (ok) => (ok ? 'met' : '**missed**');
  const out = [];
  for (const v of [1, 2]) {
    const c64 = at(v, 64);
    const c256 = at(v, 256);
    if (c64)
      out.push(
        `- v${v}, 64 jobs, cycle CPU < 10 ms: median ${ms(c64.cpu.median)} ms, mean ${ms(c64.cpu.mean)} ms ` +
          `(sample() alone ${ms(c64.sample.median)} ms): ${verdict(c64.cpu.median < TARGETS.cpu64Seconds)}`,
      );
    if (c256) {
      const ratio = c256.cpu.median / c256.floor.median;
      out.push(
        `- v${v}, 256 jobs, within 3x of the floor: ${fmt.x(ratio)}x: ${verdict(ratio <= TARGETS.floorRatio256)}`,
      );
    }
  }
  const shipped = r.daemon.find((d) => d.nodeArgs.length === 0);
  if (shipped) {
    out.push(
      `- daemon, 64 jobs, cycle CPU < 10 ms (its own metric): median ${ms(shipped.cycleCpu.median)} ms: ` +
        verdict(shipped.cycleCpu.median < TARGETS.cpu64Seconds),
    );
  }
  for (const d of r.daemon) {
    out.push(
      `- daemon ${d.nodeArgs.join(' ') || '(as shipped)'}, peak RSS < 60 MB: VmHWM ${fmt.mb(d.hwmBytes)} MB: ` +
        verdict(d.hwmBytes < TARGETS.peakRssBytes),
    );
  }
  const worst = Math.max(...r.configs.map((c) => c.memory.maxRss));
  out.push(
    `- cycle workers (tight loop, no idle time), peak RSS < 60 MB: worst ${fmt.mb(worst)} MB: ${verdict(worst < TARGETS.peakRssBytes)}`,
  );
  return out.join('\n');
}

function profileLines(p) {
  if (!p) return '(not run: --no-profile)';
  const pct = (v) => `${((100 * v) / p.totalMs).toFixed(1)} %`;
  const pk = p.packages.slice(0, 8).map(([k, v]) => `${pct(v)} ${k}`);
  const fns = p.functions.map(([k, v]) => `| ${pct(v)} | \`${k}\` |`);
  return [`Self time by package: ${pk.join(', ')}.`, '', '| self | function |', '| ---: | --- |', ...fns].join('\n');
}

/** The whole results file. */
export function renderResults(r) {
  const m = r.machine;
  return `## Agent benchmark results

- Date: ${r.date}
- Machine: ${m.model}, ${m.cores} cores, ${m.memGiB.toFixed(1)} GiB, ${m.os}, Linux ${m.kernel}; Node ${m.node}; load average at start ${m.load} (the machine is shared: other work adds noise)
- Trees: generated in ${r.tmp.kind} (files of real kernels, see tree.mjs); the floor reads the same tmpfs files
- Command: \`npm run bench -- agent\` (= \`tsc -b && node bench/run.mjs agent\`); cycles per configuration: ${r.loop.warmup} warm-up, then up to ${r.loop.cycles} or ${r.loop.maxMs / 1000} s
- Figures in ms of CPU (user+system of the whole process, all threads) unless said; MB = MiB

### Cycle per configuration (\`node bench/agent/worker.mjs '{"root":…,"version":V,"jobs":N}'\`, one process each)

A cycle = \`Sampler.sample()\` + the /metrics text through a long-lived \`PrometheusExporter\` (what a
scrape costs) + \`encodeSnapshot()\` (InfluxDB line protocol). Floor = \`readdirSync\` of the job
folders + \`readFileSync(f, 'utf8')\` of exactly the files the cycle read (checked per run by
counting the cycle's own \`readFileSync\` calls), interleaved with the cycles.

${configTable(r.configs)}

### The daemon (\`${r.daemon[0]?.command.replace(/--config \S+ --root \S+/, '--config <cfg> --root <64-job v2 tree>') ?? 'not run'}\`, interval 1s, /metrics scraped every second)

Cycle CPU = \`slurmscope_agent_cycle_cpu_seconds\` (sample + throttler, no rendering); process CPU per
second = utime+stime from /proc/<pid>/stat over the run (cycles, scrapes, state file).

${r.daemon.length > 0 ? daemonTable(r.daemon) : '(not run: --no-daemon)'}

### Yardsticks

${yardstickLines(r.yardsticks)}

### Targets (issue 3)

${targetLines(r)}

### Where the 256-job cycle's CPU goes (\`node bench/agent/profile.mjs --jobs 256 --cgroup 2\`)

${profileLines(r.profile)}
`;
}
