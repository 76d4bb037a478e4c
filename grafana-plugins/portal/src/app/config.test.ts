import { apiRoot, parseConfig } from './config';
import { takeToken, TOKEN_KEY } from './auth';

describe('parseConfig', () => {
  test("ctld's config as given", () => {
    const c = parseConfig(
      JSON.stringify({
        base: '/portal',
        intervalMs: 10_000,
        cluster: 'tiny',
        embed: 'webjobs',
        theme: 'light',
        co2WindowHours: 12,
        assets: {
          portal: '/portal/assets/portal.js?v=1',
          plugins: { 'slurmscope-webjobs-panel': '/portal/plugins/slurmscope-webjobs-panel/module.js?v=2' },
        },
      }),
    );
    expect(c).toMatchObject({
      base: '/portal',
      intervalMs: 10_000,
      cluster: 'tiny',
      embed: 'webjobs',
      theme: 'light',
      co2WindowHours: 12,
    });
    expect(c.assets.plugins['slurmscope-webjobs-panel']).toBe('/portal/plugins/slurmscope-webjobs-panel/module.js?v=2');
    expect(c.assets.plugins['slurmscope-co2-panel']).toBe('/portal/plugins/slurmscope-co2-panel/module.js');
  });

  test('missing fields take defaults; wrong ones are named; no element is a clear error', () => {
    expect(parseConfig('{}')).toMatchObject({
      base: '/portal',
      intervalMs: 30_000,
      embed: null,
      theme: 'dark',
      co2WindowHours: 24,
    });
    expect(() => parseConfig('{"embed":"grafana"}')).toThrow('portal config: "embed" is "grafana"');
    expect(() => parseConfig('{"intervalMs":-1}')).toThrow('"intervalMs" is -1');
    expect(() => parseConfig('[]')).toThrow('not a JSON object');
    expect(() => parseConfig(null)).toThrow('no <script id="slurmscope-portal-config">');
  });

  test("apiRoot: the portal's sibling /api/v1, under a prefix too", () => {
    expect(apiRoot('/portal')).toBe('/api/v1');
    expect(apiRoot('/ctld/portal')).toBe('/ctld/api/v1');
  });
});

describe('takeToken', () => {
  function place(hash: string, stored: string | null = null) {
    const store = new Map<string, string>(stored === null ? [] : [[TOKEN_KEY, stored]]);
    const replaced: string[] = [];
    return {
      replaced,
      store,
      p: {
        location: { hash, pathname: '/portal/', search: '?x=1' },
        history: {
          replaceState: (_: unknown, __: string, url?: string | URL | null) => void replaced.push(String(url)),
        },
        storage: {
          getItem: (k: string) => store.get(k) ?? null,
          setItem: (k: string, v: string) => void store.set(k, v),
        },
      },
    };
  }

  test('#token= taken once: kept in sessionStorage, removed from the address bar (other fragment keys kept)', () => {
    const t = place('#token=abc.def&tab=mine');
    expect(takeToken(t.p)).toBe('abc.def');
    expect(t.store.get(TOKEN_KEY)).toBe('abc.def');
    expect(t.replaced).toEqual(['/portal/?x=1#tab=mine']);
  });

  test('later loads read sessionStorage; nothing anywhere is undefined', () => {
    const t = place('', 'kept');
    expect(takeToken(t.p)).toBe('kept');
    expect(t.replaced).toEqual([]);
    expect(takeToken(place('').p)).toBeUndefined();
  });
});
