// The three BUILT panels in Debian's Chromium, loaded as Grafana loads them: the portal bundle
// registers React and @grafana/* in SystemJS and imports each grafana-plugins/<panel>/dist/module.js
// through SystemJS; `window.slurmscope.mount` renders its `plugin.panel` with synthetic frames.
// Asserts on aria-labels and numbers computed from those frames, in light and dark; a frame without
// a required field shows the panel's message naming it; no page error. Saves screenshots (with
// SLURMSCOPE_SCREENSHOTS=1 into grafana-plugins/<panel>/src/img/, what plugin.json and README show).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import {
  AVAILABILITY_ROWS,
  CO2_ROWS,
  WEBJOBS,
  assertPanelsBuilt,
  availabilityFrame,
  co2Frame,
  findingsFrame,
  launchBrowser,
  mountPanel,
  nodeGridFrame,
  openPanelHost,
  problemList,
  screenshotPath,
  startPanelHost,
  webjobsFrame,
  withoutField,
  type AvailabilityRow,
  type PanelName,
  type Theme,
} from '../lib/index.js';

const WIDTH = 800;
const HEIGHT = 450;
const THEMES: readonly Theme[] = ['light', 'dark'];
const shots: { dir?: string } = {};

/** The aria-labels of the elements matching `selector` (in document order). */
async function labels(page: Page, selector: string): Promise<string[]> {
  const all = await page.locator(selector).all();
  return Promise.all(all.map(async (l) => (await l.getAttribute('aria-label')) ?? ''));
}

/** Mounts, waits for `ready` inside the container, saves its screenshot; returns renderMs. */
async function show(
  t: TestContext,
  page: Page,
  spec: { panel: PanelName; theme: Theme; frames: Parameters<typeof mountPanel>[1]['frames']; ready: string },
): Promise<string> {
  const id = `${spec.panel}-${spec.theme}`;
  const { renderMs } = await mountPanel(page, { id, width: WIDTH, height: HEIGHT, options: {}, ...spec });
  await page.locator(`#${id} ${spec.ready}`).first().waitFor({ timeout: 10_000 });
  const file = screenshotPath(
    `grafana-plugins/${spec.panel}/src/img/screenshot-${spec.theme}.png`,
    `${spec.panel}-${spec.theme}.png`,
    shots,
  );
  await page.locator(`#${id}`).screenshot({ path: file });
  t.diagnostic(`${id}: renderMs ${renderMs.toFixed(1)}, screenshot ${file}`);
  return `#${id}`;
}

/** A tile's aria-label as the contract words it, from the frame's row (available = idle + preemptable). */
function tileLabel(r: AvailabilityRow, unit: string): string {
  return `partition ${r.partition}: ${r.idle + r.preemptable} ${unit} available now, ${r.preemptable} by preemption`;
}

/** The grid frame's state of node `i` (the frame is regenerated from its seed). */
function gridState(i: number): string {
  return String(nodeGridFrame(2000).fields.find((f) => f.name === 'state')!.values[i]).replace('_', ' ');
}

/** One decimal below 10, none from 10 (the co2 panel's rule). */
const fixed = (v: number): string => (v < 9.95 ? v.toFixed(1) : v.toFixed(0));
/** Joules as the co2 panel writes them below 1000 kWh. */
const kwh = (j: number): string => `${fixed(j / 3.6e6)} kWh`;
/** Grams of CO2e as the co2 panel writes them from 1 kg to 1 t. */
const kg = (g: number): string => `${fixed(g / 1000)} kg`;

/** document.querySelectorAll, for functions run in the page (the test build has no DOM lib). */
interface QueryAll {
  document: { querySelectorAll(selector: string): { length: number } };
}

/** Availability: tiles and headlines from the frame, 2,000 grid cells, the GPU-type switch, the partition filter. */
async function checkAvailability(st: TestContext, page: Page, theme: Theme): Promise<void> {
  const c = await show(st, page, {
    panel: 'availability',
    theme,
    frames: [availabilityFrame(), nodeGridFrame(2000)],
    ready: '[data-testid=availability-partition]',
  });
  // The panel starts on CPUs (its default); available = idle + preemptable (no `available` field).
  const tiles = page.locator(`${c} [data-testid=availability-partition]`);
  const cpuRows = AVAILABILITY_ROWS.filter((r) => r.resource === 'cpus');
  assert.equal(await tiles.count(), cpuRows.length);
  for (const [i, r] of cpuRows.entries()) {
    const tile = tiles.nth(i);
    assert.equal(await tile.getAttribute('aria-label'), tileLabel(r, 'CPUs'));
    assert.equal(
      (await tile.locator('[data-testid=availability-headline]').textContent())?.trim(),
      `available now: ${r.idle + r.preemptable} (${r.preemptable} of them by preemption)`,
    );
  }
  const cells = page.locator(`${c} [data-testid=availability-grid-cell]`);
  assert.equal(await cells.count(), 2000);
  assert.equal(
    await cells.nth(1999).getAttribute('aria-label'),
    `node g200: ${gridState(1999)} (partitions gpu, scavenger)`,
  );
  // The switch: GPUs of type a100 exist in the gpu partition only.
  await page.locator(c).getByRole('radio', { name: 'GPUs a100', exact: true }).check();
  const a100 = AVAILABILITY_ROWS.find((r) => r.resource === 'gpus:a100')!;
  await page.locator(`${c} [data-testid=availability-partition][aria-label^="partition gpu: "]`).waitFor();
  assert.deepEqual(await labels(page, `${c} [data-testid=availability-partition]`), [tileLabel(a100, 'a100 GPUs')]);
  // Selecting the gpu tile shows only its 200 nodes.
  await page.locator(`${c} button[aria-label="show only partition gpu's nodes in the grid"]`).click();
  await page.waitForFunction(
    (sel) => (globalThis as unknown as QueryAll).document.querySelectorAll(sel).length === 200,
    `${c} [data-testid=availability-grid-cell]`,
    { timeout: 5000 },
  );
}

/** Webjobs: every cell in words, the uneven job first with its finding. */
async function checkWebjobs(st: TestContext, page: Page, theme: Theme): Promise<void> {
  const c = await show(st, page, {
    panel: 'webjobs',
    theme,
    frames: [webjobsFrame(), findingsFrame([['42', 'uneven_load']])],
    ready: '[data-testid=webjobs-row]',
  });
  assert.equal(await page.locator(`${c} [data-testid=webjobs-row]`).count(), WEBJOBS.length);
  const cells = await labels(page, `${c} [data-testid=webjobs-cell]`);
  const want = WEBJOBS.flatMap((j) =>
    j.nodes.map(([node, cpu]) => `job ${j.jobid} on ${node}: CPU ${Math.round(cpu * 100)} %`),
  );
  assert.deepEqual([...cells].sort(), [...want].sort());
  assert.ok(cells.includes('job 42 on node-a: CPU 35 %'));
  // The most uneven job (42: 3 % .. 98 %) is the first row; its finding is marked on it.
  const first = page.locator(`${c} [data-testid=webjobs-row]`).first();
  assert.match((await first.getAttribute('aria-label')) ?? '', /^job 42 of alice, 4 nodes, .*findings: uneven load$/);
  assert.deepEqual(await labels(page, `${c} [data-testid=webjobs-row] [data-testid=webjobs-finding]`), [
    'finding: uneven load',
  ]);
}

/** CO2: the total and the largest job in kWh and kg, the top 10 and the rest folded. */
async function checkCo2(st: TestContext, page: Page, theme: Theme): Promise<void> {
  const c = await show(st, page, { panel: 'co2', theme, frames: [co2Frame()], ready: '[data-testid=co2-total]' });
  const sum = (k: 'energy_joules' | 'co2_grams'): number => CO2_ROWS.reduce((s, r) => s + r[k], 0);
  const total = await page.locator(`${c} [data-testid=co2-total]`).getAttribute('aria-label');
  assert.match(total ?? '', new RegExp(`^total: ${kwh(sum('energy_joules'))}, ${kg(sum('co2_grams'))} CO2e`));
  const biggest = [...CO2_ROWS].sort((x, y) => y.co2_grams - x.co2_grams)[0]!;
  const rows = await labels(page, `${c} [data-testid=co2-row]`);
  assert.equal(rows.length, 10, 'the top 10 (the default), the rest folded');
  assert.equal(rows[0], `job ${biggest.jobid}: ${kwh(biggest.energy_joules)}, ${kg(biggest.co2_grams)} CO2e`);
  assert.equal(await page.locator(`${c} [data-testid=co2-others]`).count(), 1);
}

/** Each panel, given a frame without a required field, shows a message naming that field. */
async function checkMissingFields(page: Page): Promise<void> {
  const cases: Array<[PanelName, Parameters<typeof mountPanel>[1]['frames'], string]> = [
    ['availability', [withoutField(availabilityFrame(), 'idle')], 'idle'],
    ['webjobs', [withoutField(webjobsFrame(), 'cpu_util')], 'cpu_util'],
    ['co2', [withoutField(co2Frame(), 'co2_grams')], 'co2_grams'],
  ];
  for (const [panel, frames, field] of cases) {
    const id = `${panel}-missing`;
    await mountPanel(page, { id, panel, frames, theme: 'dark', width: 400, height: 200 });
    const msg = page.locator(`#${id} [data-testid=panel-message]`);
    await msg.waitFor({ timeout: 10_000 });
    assert.match(await msg.innerText(), new RegExp(`"${field}"`), `${panel}'s message names ${field}`);
  }
}

test('the built panels through SystemJS in Chromium, light and dark', { timeout: 240_000 }, async (t) => {
  assertPanelsBuilt();
  const server = await startPanelHost();
  t.after(() => server.close());
  const browser = await launchBrowser({ viewport: { width: 1000, height: 700 } });
  t.after(() => browser.close());
  const { page } = browser;
  await openPanelHost(page, server);
  for (const theme of THEMES) {
    await t.test(`availability, ${theme}: tiles, headlines, 2,000-node grid, switch, filter`, (st) =>
      checkAvailability(st, page, theme),
    );
    await t.test(`webjobs, ${theme}: uneven job first, cells in words, findings`, (st) =>
      checkWebjobs(st, page, theme),
    );
    await t.test(`co2, ${theme}: total and the largest of 12 jobs`, (st) => checkCo2(st, page, theme));
  }
  await t.test('a frame without a required field: the message names it', () => checkMissingFields(page));
  assert.deepEqual(problemList(browser.problems), [], 'no page error, console error or HTTP error');
});
