// Checks of portal-browser.test.ts: a job's row of cells; "my jobs" of a user that a trusted
// reverse proxy names in a header (ctld trusts 127.0.0.1 here, the peer of Chromium and of this
// process); the CO2 section against GET /api/v1/co2 (as the portal asks: by user, or by job).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { fetchText, waitFor } from '../lib/index.js';

/** The header ctld's auth.trustedProxy takes the user from (its default, set explicitly). */
export const PROXY_HEADER = 'X-Remote-User';

/** ctld's auth.trustedProxy section for a proxy on this host. */
export const TRUSTED_PROXY = { addresses: ['127.0.0.1'], header: PROXY_HEADER } as const;

/** GET `url` as JSON, as `user` when given (the proxy's header; this process's peer address is trusted). */
export async function getJson(url: string, user?: string): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (user !== undefined) headers[PROXY_HEADER] = user;
  return JSON.parse(await fetchText(url, { headers })) as unknown;
}

/** The user of `jobid` as GET /api/v1/webjobs says (waits for the job to be listed). */
export async function jobUser(ctldUrl: string, jobid: string): Promise<string> {
  return waitFor(
    async () => {
      const { jobs } = (await getJson(`${ctldUrl}/api/v1/webjobs`)) as { jobs: Array<{ jobid: string; user: string }> };
      return jobs.find((j) => j.jobid === jobid)?.user || undefined;
    },
    { timeoutMs: 20_000, intervalMs: 500, what: `job ${jobid} in /api/v1/webjobs` },
  );
}

/** The aria-labels of the elements matching `selector`. */
export async function labels(page: Page, selector: string): Promise<string[]> {
  const all = await page.locator(selector).all();
  return Promise.all(all.map(async (l) => (await l.getAttribute('aria-label')) ?? ''));
}

/** `job J on N: CPU P %` cells of one job → node → percent. */
export function cellPercents(cells: readonly string[], jobid: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of cells) {
    const m = /^job (\S+) on (\S+): CPU ([\d.]+) %$/.exec(c);
    if (m && m[1] === jobid) out.set(m[2]!, Number(m[3]));
  }
  return out;
}

/**
 * Waits until the job's row in `section` has one cell busy (> 30 %) and one idle (< 10 %); returns
 * node → percent. Busy is not "a whole core": on this shared 2-CPU host `yes` often gets a third of
 * one (as in the demo test); the idle rank's sleep stays near 0 %.
 */
export async function jobRow(page: Page, jobid: string, section = 'webjobs'): Promise<Map<string, number>> {
  const cells = `[data-testid=portal-section-${section}] [data-testid=webjobs-cell][aria-label^="job ${jobid} on "]`;
  return waitFor(
    async () => {
      const p = cellPercents(await labels(page, cells), jobid);
      const v = [...p.values()].sort((a, b) => a - b);
      if (p.size === 2 && v[0]! < 10 && v[1]! > 30) return p;
      throw new Error(`cells now: ${[...p].map(([n, u]) => `${n} ${u} %`).join(', ') || 'none'}`);
    },
    { timeoutMs: 90_000, intervalMs: 500, what: `job ${jobid}'s row: one cell > 30 %, one < 10 %` },
  );
}

/**
 * On a page opened with the proxy's header for `user`: the "My running jobs (<user>)" section
 * shows `jobid`'s row with a cell on each of `nodes`, and only rows of that user. Returns the labels.
 */
export async function checkMyRunningJobs(
  page: Page,
  jobid: string,
  user: string,
  nodes: readonly string[],
): Promise<string[]> {
  const section = '[data-testid=portal-section-my-jobs]';
  await page.locator(section).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator(`${section} h2`).innerText(), `My running jobs (${user})`);
  const row = `${section} [data-testid=webjobs-row][aria-label^="job ${jobid} of ${user}, 2 nodes, "]`;
  await page.locator(row).waitFor({ timeout: 30_000 });
  const cells = await labels(page, `${section} [data-testid=webjobs-cell][aria-label^="job ${jobid} on "]`);
  const cellNodes = cells.map((c) => /^job \S+ on (\S+): /.exec(c)?.[1] ?? c);
  assert.deepEqual(cellNodes.sort(), [...nodes].sort(), `a cell per node: ${cells.join(' | ')}`);
  const rows = await labels(page, `${section} [data-testid=webjobs-row]`);
  assert.deepEqual(
    rows.filter((r) => !r.includes(` of ${user}, `)),
    [],
    `only ${user}'s jobs in "my jobs"`,
  );
  return rows;
}

/**
 * The "finished jobs of <user>" list equals GET /api/v1/reports?user=&limit=20 (as that user): a
 * row per report, or the words for none. Returns the number of rows.
 */
export async function checkMyReports(page: Page, ctldUrl: string, user: string): Promise<number> {
  const box = page.locator('[data-testid=portal-section-my-reports] [data-testid=portal-reports]');
  await box.waitFor({ timeout: 15_000 });
  assert.equal(await box.locator('caption').innerText(), `finished jobs of ${user} (last 20)`);
  const api = (await getJson(`${ctldUrl}/api/v1/reports?user=${encodeURIComponent(user)}&limit=20`, user)) as Array<{
    jobid?: string;
  }>;
  assert.ok(Array.isArray(api), 'the reports API answers a list');
  const want = api.filter((e) => typeof e.jobid === 'string' && e.jobid !== '').length;
  const rows = box.locator('[data-testid=portal-report-row]');
  // The list shows after its first answer: rows, or the line that says there are none.
  await waitFor(
    async () =>
      (await rows.count()) > 0 || (await box.innerText()).includes('no finished jobs with a report') || undefined,
    { timeoutMs: 15_000, intervalMs: 250, what: 'the reports list answered' },
  );
  assert.equal(await rows.count(), want, `rows as GET /api/v1/reports?user=${user} lists`);
  if (want === 0) assert.match(await box.innerText(), /no finished jobs with a report/);
  return want;
}

/** Joules and grams per unit of the panel's text (Grafana's SI units as the co2 panel picks them). */
const ENERGY_J: Readonly<Record<string, number>> = {
  µWh: 3.6e-3,
  mWh: 3.6,
  Wh: 3600,
  kWh: 3.6e6,
  MWh: 3.6e9,
  GWh: 3.6e12,
};
const MASS_G: Readonly<Record<string, number>> = { µg: 1e-6, mg: 1e-3, g: 1, kg: 1e3, t: 1e6 };

/** Whether `text` ("1.2 kWh") is `value` in base units, to the precision of its last digit. */
function shows(text: string, value: number, units: Readonly<Record<string, number>>): boolean {
  const m = /^(-?\d+(?:\.(\d+))?) (\S+)$/.exec(text.trim());
  const per = m ? units[m[3]!] : undefined;
  if (!m || per === undefined) return false;
  const half = 0.5 * 10 ** -(m[2]?.length ?? 0) * per;
  return Math.abs(Number(m[1]) * per - value) <= half * (1 + 1e-9);
}

interface Co2Api {
  total?: { energy_joules?: number; co2_grams?: number; unmeasured?: number };
  rows?: Array<{ energy_joules?: number | null }>;
}

/** The section against one answer: a matching total when measured jobs exist, else the panel's message; "" when it agrees. */
async function co2Mismatch(page: Page, api: Co2Api): Promise<string> {
  const panel = '[data-testid=co2-panel]';
  const measured = (api.rows ?? []).some((r) => typeof r.energy_joules === 'number');
  const unmeasured = api.total?.unmeasured ?? 0;
  if (unmeasured > 0) {
    const note = await page.locator('[data-testid=portal-co2-note]').innerText({ timeout: 1000 });
    if (!note.includes(`${unmeasured} job`)) return `the note "${note}" does not count ${unmeasured} unmeasured jobs`;
  }
  if (!measured) {
    const message = page.locator(`${panel} [data-testid=panel-message]`);
    if ((await message.count()) !== 1) return 'no measured job in the API, and no message in the panel';
    const text = await message.innerText();
    return /^No (data|usable rows)\b/.test(text) ? '' : `the panel's message: ${text}`;
  }
  const label = (await page.locator(`${panel} [data-testid=co2-total]`).getAttribute('aria-label')) ?? '';
  const m = /^total: (.+?), (.+?) CO2e /.exec(label);
  const { energy_joules: e = NaN, co2_grams: g = NaN } = api.total ?? {};
  return m && shows(m[1]!, e, ENERGY_J) && shows(m[2]!, g, MASS_G)
    ? ''
    : `the panel's "${label}" is not the API's total ${e} J, ${g} g`;
}

/**
 * Compares the CO2 section with GET /api/v1/co2 as the portal asks it (`by=user` and the portal's
 * window; without `by` where this ctld refuses it) until one answer agrees; returns it in words.
 */
export async function checkCo2(page: Page, ctldUrl: string): Promise<string> {
  const config = JSON.parse((await page.locator('#slurmscope-portal-config').textContent()) ?? '{}') as {
    co2WindowHours?: number;
  };
  const hours = config.co2WindowHours ?? 24;
  const byUser = `${ctldUrl}/api/v1/co2?by=user&hours=${hours}`;
  const plain = `${ctldUrl}/api/v1/co2?hours=${hours}`;
  return waitFor(
    async () => {
      const api = (await getJson(byUser).catch(() => getJson(plain))) as Co2Api;
      const bad = await co2Mismatch(page, api);
      if (bad !== '') throw new Error(bad);
      return `API total ${JSON.stringify(api.total)}, ${api.rows?.length ?? 0} rows`;
    },
    // The page refreshes each cycle; a job that ends in between changes the answer.
    { timeoutMs: 20_000, intervalMs: 500, what: 'the CO2 section agreeing with GET /api/v1/co2' },
  );
}
