// Child process of the ctld benchmark, part 1 (one poll), so that its peak RSS is its own.
//   node poll-child.mjs pure   <dir> <runs>   buildPollResult + computeWebjobs in this thread
//   node poll-child.mjs worker <dir> <runs>   SlurmPoller (fake binDir, worker thread) + webjobs + API bodies
//   node poll-child.mjs sizes  <dir> [<dir>]  bytes each poll command printed, per bin dir
// Prints one JSON object on stdout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runCommand } from '@slurmscope/common';
import { SlurmPoller, buildCycleView, buildPollResult, computeWebjobs, computeWebjobsPaced } from '@slurmscope/ctld';
import { maxRssBytes, measure, median, quietLogger } from './stats.mjs';

const [mode, dir, third] = process.argv.slice(2);
const read = (name) => readFileSync(join(dir, name), 'utf8');

/** A measurement without its result: CPU and wall seconds. */
const figures = ({ cpu, wall }) => ({ cpu, wall });

/** The agents' reports, parsed once as ctld holds them (NodeReportStore keeps parsed objects). */
function loadReports() {
  return JSON.parse(read('node-reports.json'));
}

async function pure(runs) {
  const reports = loadReports();
  const raw = {
    timestampMs: Date.now(),
    nodesJson: read('sinfo.json'),
    jobs: read('squeue-running.txt'),
    jobsFormat: 'squeue-text',
    partitions: read('partitions.txt'),
    config: read('config.txt'),
    sdiag: read('sdiag.txt'),
  };
  const inputBytes = ['nodesJson', 'jobs', 'partitions', 'config', 'sdiag'].reduce(
    (s, k) => s + Buffer.byteLength(raw[k]),
    0,
  );
  const rssBefore = process.memoryUsage().rss;
  const rows = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const parse = await measure(() => buildPollResult(raw));
    const web = await measure(() =>
      computeWebjobs({ jobs: parse.result.snapshot.jobs, reports, nowMs: raw.timestampMs }),
    );
    // One whole serialization of each answer: what every request cost before answers were prebuilt per cycle.
    const body = await measure(() => JSON.stringify({ stale: false, jobs: web.result }).length);
    const avail = await measure(() => JSON.stringify(parse.result.availability).length);
    // Only the figures stay: ctld keeps one poll's objects, not every run's (they would add to the peak).
    rows.push({ parse: figures(parse), web: figures(web), body: figures(body), avail: figures(avail) });
    last = { parse: parse.result, web: web.result, bodyBytes: body.result, availBytes: avail.result };
  }
  const warm = rows.slice(1);
  const pick = (k, f) => median(warm.map((r) => r[k][f]));
  return {
    runs,
    inputBytes,
    jobs: last.parse.snapshot.jobs.length,
    nodes: last.parse.snapshot.nodes.length,
    pending: last.parse.snapshot.sdiag.jobsPending,
    webjobs: last.web.length,
    reportedNodes: reports.length,
    reportEntries: reports.reduce((s, r) => s + r.jobs.length, 0),
    webjobsBodyBytes: last.bodyBytes,
    availabilityBodyBytes: last.availBytes,
    first: { cpu: rows[0].parse.cpu + rows[0].web.cpu, wall: rows[0].parse.wall + rows[0].web.wall },
    parseCpu: pick('parse', 'cpu'),
    parseWall: pick('parse', 'wall'),
    webjobsCpu: pick('web', 'cpu'),
    webjobsWall: pick('web', 'wall'),
    totalCpu: median(warm.map((r) => r.parse.cpu + r.web.cpu)),
    totalWall: median(warm.map((r) => r.parse.wall + r.web.wall)),
    webjobsJsonCpu: pick('body', 'cpu'),
    availabilityJsonCpu: pick('avail', 'cpu'),
    rssBeforeBytes: rssBefore,
    maxRssBytes: maxRssBytes(),
  };
}

async function worker(runs) {
  const reports = loadReports();
  const poller = new SlurmPoller({ binDir: dir, timeoutMs: 20_000, log: quietLogger() });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const rows = [];
  try {
    for (let i = 0; i < runs; i++) {
      if (i === 1) delay.enable(); // the first poll also starts the worker thread and reads the config
      const poll = await measure(() => poller.poll(Date.now()));
      if (poll.result.result === undefined) throw new Error(`poll failed: ${poll.result.error}`);
      const jobs = poll.result.result.snapshot.jobs;
      // As ctld's cycle does: webjobs in slices, then the API answers serialized and gzip'd once.
      const web = await measure(() => computeWebjobsPaced({ jobs, reports, nowMs: Date.now() }));
      const view = await measure(() =>
        buildCycleView({ cycle: i + 1, nowMs: Date.now(), poll: poll.result, webjobs: web.result }),
      );
      // Only the figures stay: like ctld, the loop holds one cycle's objects (the last view) at a time.
      rows.push({
        poll: figures(poll),
        web: figures(web),
        view: figures(view),
        jobs: jobs.length,
        gzipBytes: view.result.answers.webjobs.deflated?.deflated.length,
      });
    }
  } finally {
    delay.disable();
    await poller.close();
  }
  const warm = rows.slice(1);
  return {
    runs,
    jobs: rows[0].jobs,
    first: { cpu: rows[0].poll.cpu + rows[0].web.cpu, wall: rows[0].poll.wall + rows[0].web.wall },
    pollCpu: median(warm.map((r) => r.poll.cpu)),
    pollWall: median(warm.map((r) => r.poll.wall)),
    webjobsCpu: median(warm.map((r) => r.web.cpu)),
    viewCpu: median(warm.map((r) => r.view.cpu)),
    viewWall: median(warm.map((r) => r.view.wall)),
    webjobsGzipBytes: rows[0].gzipBytes,
    totalCpu: median(warm.map((r) => r.poll.cpu + r.web.cpu)),
    totalWall: median(warm.map((r) => r.poll.wall + r.web.wall)),
    // How long the main thread (where the API answers) was blocked while polls ran in the worker.
    loopDelayMaxMs: delay.max / 1e6,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    maxRssBytes: maxRssBytes(),
  };
}

/** One poll per bin dir through a runner that records the bytes each command printed. */
async function sizes(dirs) {
  const out = {};
  for (const d of dirs) {
    const bytes = {};
    const run = async (file, args, opts) => {
      const r = await runCommand(file, args, opts);
      bytes[`${file.slice(d.length + 1)} ${args.join(' ')}`.slice(0, 60)] = Buffer.byteLength(r.stdout);
      return r;
    };
    const poller = new SlurmPoller({ binDir: d, timeoutMs: 20_000, log: quietLogger(), run, useWorker: false });
    const state = await poller.poll(Date.now());
    await poller.close();
    if (state.result === undefined) throw new Error(`poll of ${d} failed: ${state.error}`);
    out[d] = { bytes, pending: state.result.snapshot.sdiag.jobsPending, running: state.result.snapshot.jobs.length };
  }
  return out;
}

const result =
  mode === 'pure'
    ? await pure(Number(third ?? 7))
    : mode === 'worker'
      ? await worker(Number(third ?? 7))
      : await sizes(process.argv.slice(3));
process.stdout.write(`${JSON.stringify(result)}\n`);
