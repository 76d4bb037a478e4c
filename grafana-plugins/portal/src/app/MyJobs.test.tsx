import React from 'react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { PanelPlugin } from '@grafana/data';
import { TOKEN_KEY } from './auth';
import { parseConfig } from './config';
import { PortalRoot } from './Root';
import { createServices } from './services';

/** A Response as far as the page reads it (jsdom has no fetch/Response). */
function answer(status: number, body: unknown): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: new Headers({ 'content-type': 'application/json' }),
    json: async () => JSON.parse(text),
    text: async () => text,
  } as Response;
}

const REPORT = {
  jobid: '1240',
  display_id: '1234_5',
  state: 'FAILED',
  exit_code: '1:0',
  elapsed_seconds: 200,
  nodes: ['node-a'],
  used: { cpu_efficiency: 0.12, memory_peak_bytes: 2 * 1024 ** 3 },
  energy: { kwh: 0.5 },
  co2_grams: 120,
  findings: [{ kind: 'low_cpu_efficiency' }],
};

type Route = (url: string, init: RequestInit) => Response | Promise<Response>;

/** ctld as the page sees it: whoami from `whoami`, the rest from a small fixed world. */
function ctld(whoami: Route, seen: Array<{ url: string; auth?: string }>): typeof fetch {
  return (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const auth = (init.headers as Record<string, string> | undefined)?.Authorization;
    seen.push({ url, auth });
    const path = new URL(url).pathname;
    if (path === '/api/v1/whoami') {
      return whoami(url, init);
    }
    if (path === '/api/v1/reports') {
      return answer(200, [{ jobid: '1240', display_id: '1234_5', state: 'FAILED', end_time: '2026-01-02T03:04:05Z' }]);
    }
    if (path === '/api/v1/reports/1240') {
      return answer(200, REPORT);
    }
    if (path === '/api/v1/co2') {
      return answer(200, {
        rows: [],
        rowsOmitted: 0,
        total: { energy_joules: 0, co2_grams: 0, jobs: 3, unmeasured: 3 },
      });
    }
    return answer(200, path.endsWith('availability') ? { partitions: [] } : { jobs: [], findings: [] });
  }) as typeof fetch;
}

/** Renders the portal page (full, or an embed) against the fake ctld with `token` in the tab. */
function page(whoami: Route, opts: { token?: string; intervalMs?: number; embed?: string } = {}) {
  const seen: Array<{ url: string; auth?: string }> = [];
  global.fetch = ctld(whoami, seen);
  sessionStorage.clear();
  if (opts.token !== undefined) {
    sessionStorage.setItem(TOKEN_KEY, opts.token);
  }
  const config = parseConfig(
    JSON.stringify({ base: '.', api: '../api/v1', intervalMs: opts.intervalMs ?? 60_000, embed: opts.embed ?? null }),
    'http://ctld.test/portal/',
  );
  const plugin = new PanelPlugin(() => <div />);
  const home = {
    location: { hash: '', pathname: '/portal/', search: '' },
    history: window.history,
    storage: sessionStorage,
  };
  const services = createServices(config, async () => plugin, undefined, home);
  const view = render(<PortalRoot services={services} />);
  return { seen, services, view };
}

afterEach(() => {
  sessionStorage.clear();
});

describe('whoami and "my jobs"', () => {
  test('a known user: my running jobs and my reports; a report opens as a readable summary, JSON collapsed', async () => {
    const { seen, view } = page(() => answer(200, { user: 'alice', admin: false }), { token: 'jwt-1' });
    expect(await screen.findByText('My running jobs (alice)')).toBeInTheDocument();
    const button = await screen.findByRole('button', { name: 'show report of job 1234_5' });
    expect(seen.find((r) => r.url.includes('/whoami'))?.auth).toBe('Bearer jwt-1');
    expect(seen.some((r) => r.url === 'http://ctld.test/api/v1/webjobs?user=alice')).toBe(true);
    fireEvent.click(button);
    const summary = await screen.findByTestId('portal-report-summary');
    expect(summary).toHaveTextContent('state');
    expect(summary).toHaveTextContent('FAILED (exit 1:0)');
    expect(summary).toHaveTextContent('CPU efficiency12 %');
    expect(summary).toHaveTextContent('energy0.50 kWh');
    expect(summary).toHaveTextContent('findingslow_cpu_efficiency');
    const details = view.container.querySelector('details');
    expect(details?.open).toBe(false);
    expect(screen.getByTestId('portal-report-json')).toHaveTextContent('"display_id": "1234_5"');
    expect(seen.find((r) => r.url.endsWith('/reports/1240'))?.auth).toBe('Bearer jwt-1');
  });

  test('a refused token: a note says so, the token leaves sessionStorage and later requests', async () => {
    const { services } = page(() => answer(401, { error: 'token expired' }), { token: 'old-jwt' });
    expect(await screen.findByText(/Your sign-in token was refused \(token expired\)/)).toBeInTheDocument();
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(services.authHeaders()).toEqual({});
    expect(screen.queryByText(/My running jobs/)).toBeNull();
  });

  test('401 without a token is just anonymous: no note, nothing removed', async () => {
    const { seen } = page(() => answer(401, { error: 'no credentials' }));
    await waitFor(() => expect(seen.some((r) => r.url.endsWith('/whoami'))).toBe(true));
    await screen.findByTestId('portal-section-co2');
    await new Promise((r) => setTimeout(r, 0)); // the whoami answer's promise chain settles
    expect(screen.queryByRole('status', { name: /refused/ })).toBeNull();
    expect(screen.queryByText(/refused|unknown/)).toBeNull();
  });

  test('the admin token ({user: null, admin: true}): nothing shown, no "unknown (HTTP 200)"', async () => {
    let answered = false;
    page(
      () => {
        answered = true;
        return answer(200, { user: null, admin: true });
      },
      { token: 'admin-token' },
    );
    await waitFor(() => expect(answered).toBe(true));
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByText(/unknown/)).toBeNull();
    expect(screen.queryByText(/My running jobs/)).toBeNull();
    expect(sessionStorage.getItem(TOKEN_KEY)).toBe('admin-token');
  });

  test('whoami hangs: after min(interval, 30 s) a note says so (the page never waits forever)', async () => {
    page(() => new Promise<Response>(() => undefined), { intervalMs: 50 });
    expect(
      await screen.findByText(/Who you are is unknown \(no answer within 0.1 s\)/, {}, { timeout: 3000 }),
    ).toBeInTheDocument();
  });
});

describe('the CO2 embed', () => {
  test('asks ?by=user&hours=24 and says how many jobs had no measured energy', async () => {
    const { seen } = page(() => answer(200, { user: null, admin: false }), { embed: 'co2' });
    expect(await screen.findByTestId('portal-co2-note')).toHaveTextContent(
      '3 jobs without measured energy are not counted',
    );
    expect(seen.map((r) => r.url)).toContain('http://ctld.test/api/v1/co2?by=user&hours=24');
  });
});
