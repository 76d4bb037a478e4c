#!/usr/bin/env node
// Panel render benchmark (issue 11, "Speed"): in Debian's Chromium, the BUILT panels mounted
// through the portal bundle's window.slurmscope.mount (their dist/module.js loaded by SystemJS, as
// Grafana does): availability with 2,000 nodes (grid on) and webjobs with 500 jobs × 1..64 nodes
// (seeded). 2 warm-ups, then 10 runs each into a fresh element; median and p95 of the bundle's
// renderMs (React render + commit + style/layout, no paint) and frameMs (up to the next animation
// frame). Target: < 100 ms per panel.
// With PORTAL_URL (a running ctld, e.g. http://127.0.0.1:9818), also the portal's time to
// interactive: navigation start → each panel's content in the page (target < 1 s): the first load
// with an empty cache apart, then the runs with the bundle cached (immutable, ?v=hash).
// Run after `npx tsc -b` and the panels' build:  node bench/run.mjs grafana  (or this file).
// Flags: --runs=N (default 10), --warmups=N (default 2), --json (one JSON line at the end).
import { cpus, loadavg } from 'node:os';
import {
  PANEL_CONTENT,
  PANEL_SHOWN_SCRIPT,
  assertPanelsBuilt,
  availabilityFrame,
  launchBrowser,
  manyJobs,
  mountPanel,
  nodeGridFrame,
  openPanelHost,
  problemList,
  startPanelHost,
  webjobsFrame,
} from '../../test/dist/lib/index.js';

const args = process.argv.slice(2);
// `--runs=N` (what bench/run.mjs passes through: its names are the arguments without a dash) or `--runs N`.
const flag = (name, dflt) => {
  const eq = args.find((a) => a.startsWith(`${name}=`));
  if (eq !== undefined) return Number(eq.slice(name.length + 1));
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const RUNS = flag('--runs', 10);
const WARMUPS = flag('--warmups', 2);
const PANEL_TARGET_MS = 100;
const PORTAL_TARGET_MS = 1000;

/** The q-quantile of `values` by nearest rank. */
function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Mounts `spec` WARMUPS + RUNS times (each replacing the last); the timings of the measured runs. */
async function measureMounts(page, spec) {
  const out = { renderMs: [], frameMs: [] };
  for (let i = 0; i < WARMUPS + RUNS; i++) {
    const t = await mountPanel(page, { ...spec, id: 'bench' });
    await page.locator(`#bench ${spec.ready}`).first().waitFor({ timeout: 10_000 });
    if (i >= WARMUPS) {
      out.renderMs.push(t.renderMs);
      out.frameMs.push(t.frameMs);
    }
  }
  return out;
}

/** What is in the DOM after the last mount (virtualised rows: fewer than the jobs). */
async function domCounts(page) {
  const count = (s) => page.locator(`#bench ${s}`).count();
  return {
    gridCells: await count('[data-testid=availability-grid-cell]'),
    rows: await count('[data-testid=webjobs-row]'),
    cells: await count('[data-testid=webjobs-cell]'),
  };
}

/** The portal at PORTAL_URL loaded WARMUPS + RUNS times: ms from navigation start to each panel's content. */
async function measurePortal(browser, url) {
  const page = await browser.newPage();
  await page.addInitScript(PANEL_SHOWN_SCRIPT);
  const out = { first: [], all: [], cold: undefined };
  for (let i = 0; i < WARMUPS + RUNS; i++) {
    await page.goto(url);
    for (const sel of Object.values(PANEL_CONTENT)) await page.locator(sel).first().waitFor({ timeout: 15_000 });
    const shown = await page.evaluate('window.__panelShownMs');
    // The first load has an empty cache (a fresh profile): the bundle is fetched and compiled.
    if (i === 0) out.cold = { first: shown.first, all: Math.max(shown.availability, shown.webjobs, shown.co2) };
    if (i >= WARMUPS) {
      out.first.push(shown.first);
      out.all.push(Math.max(shown.availability, shown.webjobs, shown.co2));
    }
  }
  await page.close();
  return out;
}

const row = (name, values, target) => {
  const med = quantile(values, 0.5);
  const p95 = quantile(values, 0.95);
  const verdict = p95 < target ? 'ok' : med < target ? 'median ok, p95 over' : 'OVER';
  return `| ${name.padEnd(50)} | ${med.toFixed(1).padStart(8)} | ${p95.toFixed(1).padStart(8)} | < ${target} ms: ${verdict} |`;
};

assertPanelsBuilt(['availability', 'webjobs']);
const jobs = manyJobs(500, 64, 7);
const jobRows = jobs.reduce((s, j) => s + j.nodes.length, 0);
const server = await startPanelHost();
const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
const results = { loadBefore: loadavg()[0] };
try {
  await openPanelHost(browser.page, server);
  const size = { theme: 'dark', width: 1200, height: 700 };
  results.availability = await measureMounts(browser.page, {
    ...size,
    panel: 'availability',
    frames: [availabilityFrame(), nodeGridFrame(2000)],
    options: { showGrid: true },
    ready: '[data-testid=availability-grid-cell]',
  });
  results.availabilityDom = await domCounts(browser.page);
  results.webjobs = await measureMounts(browser.page, {
    ...size,
    panel: 'webjobs',
    frames: [webjobsFrame(jobs)],
    ready: '[data-testid=webjobs-row]',
  });
  results.webjobsDom = await domCounts(browser.page);
  if (process.env.PORTAL_URL) {
    const url = new URL(process.env.PORTAL_URL);
    if (!url.pathname.startsWith('/portal')) url.pathname = '/portal/';
    results.portal = await measurePortal(browser, url.href);
  }
  results.problems = problemList(browser.problems);
  results.pageErrors = browser.problems.pageErrors.length;
  results.loadAfter = loadavg()[0];
} finally {
  await browser.close();
  await server.close();
}

console.log(
  `Chromium, ${WARMUPS} warm-ups + ${RUNS} runs each; ms (median, p95); ${cpus().length} CPUs, ` +
    `load average ${results.loadBefore.toFixed(1)} before, ${results.loadAfter.toFixed(1)} after\n`,
);
console.log(`| ${'what'.padEnd(50)} | median   | p95      | target |`);
console.log(`|${'-'.repeat(52)}|----------|----------|--------|`);
console.log(row('availability, 2,000 nodes + grid: renderMs', results.availability.renderMs, PANEL_TARGET_MS));
console.log(row('availability, 2,000 nodes + grid: to next frame', results.availability.frameMs, PANEL_TARGET_MS));
console.log(row(`webjobs, 500 jobs (${jobRows} job×node): renderMs`, results.webjobs.renderMs, PANEL_TARGET_MS));
console.log(row(`webjobs, 500 jobs (${jobRows} job×node): to next frame`, results.webjobs.frameMs, PANEL_TARGET_MS));
if (results.portal) {
  console.log(row('portal: navigation → first panel content', results.portal.first, PORTAL_TARGET_MS));
  console.log(row('portal: navigation → all three panels', results.portal.all, PORTAL_TARGET_MS));
  const { cold } = results.portal;
  console.log(row('portal, first load (empty cache) → all three', [cold.all], PORTAL_TARGET_MS));
}
console.log(
  `\nDOM after the last mount: availability ${results.availabilityDom.gridCells} grid cells; ` +
    `webjobs ${results.webjobsDom.rows} rows / ${results.webjobsDom.cells} cells in the DOM (of 500 jobs)`,
);
if (!results.portal) console.log("portal: not measured (set PORTAL_URL to a running ctld, e.g. the demo's ctld: URL)");
if (results.problems.length > 0) console.log(`page problems:\n  ${results.problems.join('\n  ')}`);
if (args.includes('--json')) console.log(JSON.stringify(results));
// Only an exception in the page fails the bench; other problems are printed above.
process.exit(results.pageErrors > 0 ? 1 : 0);
