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

/** Trimmed text contents of the elements matching `selector`. */
async function texts(page: Page, selector: string): Promise<string[]> {
  return (await page.locator(selector).allTextContents()).map((s) => s.trim());
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

/** The tile's aria-label for CPUs as the contract words it, from the frame's row (available = idle + preemptable). */
function cpuTileLabel(r: AvailabilityRow): string {
  return `partition ${r.partition}: ${r.idle + r.preemptable} CPUs available now, ${r.preemptable} by preemption`;
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
    await t.test(`availability, ${theme}: tiles, headline, 2,000-node grid`, async (st) => {
      const c = await show(st, page, {
        panel: 'availability',
        theme,
        frames: [availabilityFrame(), nodeGridFrame(2000)],
        ready: '[data-testid=availability-partition]',
      });
      const cpuRows = AVAILABILITY_ROWS.filter((r) => r.resource === 'cpus');
      assert.deepEqual(
        (await labels(page, `${c} [data-testid=availability-partition]`)).sort(),
        cpuRows.map(cpuTileLabel).sort(),
      );
      const expected = cpuRows.map(
        (r) => `available now: ${r.idle + r.preemptable} (${r.preemptable} of them by preemption)`,
      );
      const headlines = await texts(page, `${c} [data-testid=availability-headline]`);
      assert.ok(headlines.length > 0, 'a headline');
      for (const h of headlines)
        assert.ok(expected.includes(h), `headline ${JSON.stringify(h)} in ${expected.join(' | ')}`);
      assert.equal(await page.locator(`${c} [data-testid=availability-grid-cell]`).count(), 2000);
    });

    await t.test(`webjobs, ${theme}: uneven job first, cells in words, findings`, async (st) => {
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
      assert.match((await first.getAttribute('aria-label')) ?? '', /^job 42\b/);
      assert.match(await first.locator('[data-testid=webjobs-finding]').first().innerText(), /uneven/i);
    });

    await t.test(`co2, ${theme}: total of 12 jobs`, async (st) => {
      const c = await show(st, page, { panel: 'co2', theme, frames: [co2Frame()], ready: '[data-testid=co2-total]' });
      const kwh = CO2_ROWS.reduce((s, r) => s + r.energy_joules, 0) / 3.6e6;
      const kg = CO2_ROWS.reduce((s, r) => s + r.co2_grams, 0) / 1000;
      const total = (await texts(page, `${c} [data-testid=co2-total]`)).join(' ');
      assert.match(total, new RegExp(`\\b${kwh}(\\.0+)? kWh`), `total ${JSON.stringify(total)} has ${kwh} kWh`);
      assert.match(total, new RegExp(`\\b${kg}0* kg`), `total ${JSON.stringify(total)} has ${kg} kg`);
      assert.ok((await page.locator(`${c} [data-testid=co2-row]`).count()) > 0, 'rows by job');
    });
  }

  await t.test('a frame without a required field: the message names it', async () => {
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
  });

  assert.deepEqual(problemList(browser.problems), [], 'no page error, console error or HTTP error');
});
