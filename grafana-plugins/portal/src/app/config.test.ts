import { apiRoot, parseConfig, pickTheme } from './config';
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
      'https://ctld.example.org/portal/embed/webjobs?theme=light',
    );
    expect(c).toMatchObject({
      base: 'https://ctld.example.org/portal',
      api: 'https://ctld.example.org/api/v1',
      intervalMs: 10_000,
      cluster: 'tiny',
      embed: 'webjobs',
      theme: 'light',
      co2WindowHours: 12,
    });
    expect(c.assets.plugins['slurmscope-webjobs-panel']).toBe(
      'https://ctld.example.org/portal/plugins/slurmscope-webjobs-panel/module.js?v=2',
    );
    expect(c.assets.plugins['slurmscope-co2-panel']).toBe(
      'https://ctld.example.org/portal/plugins/slurmscope-co2-panel/module.js',
    );
  });

  test('relative URLs (behind a reverse proxy prefix) resolve against the page', () => {
    const rel = (api: string, base: string) =>
      JSON.stringify({
        base,
        api,
        assets: {
          portal: `${base}/assets/portal.js?v=1`,
          plugins: { 'slurmscope-co2-panel': `${base}/plugins/slurmscope-co2-panel/module.js?v=3` },
        },
      });
    const full = parseConfig(rel('../api/v1', '.'), 'https://gw.example.org/hpc/portal/');
    expect(full.base).toBe('https://gw.example.org/hpc/portal');
    expect(full.api).toBe('https://gw.example.org/hpc/api/v1');
    expect(full.assets.portal).toBe('https://gw.example.org/hpc/portal/assets/portal.js?v=1');
    expect(full.assets.plugins['slurmscope-co2-panel']).toBe(
      'https://gw.example.org/hpc/portal/plugins/slurmscope-co2-panel/module.js?v=3',
    );
    expect(full.assets.plugins['slurmscope-webjobs-panel']).toBe(
      'https://gw.example.org/hpc/portal/plugins/slurmscope-webjobs-panel/module.js',
    );
    const embed = parseConfig(rel('../../api/v1', '..'), 'https://gw.example.org/hpc/portal/embed/webjobs?theme=dark');
    expect(embed.base).toBe('https://gw.example.org/hpc/portal');
    expect(embed.api).toBe('https://gw.example.org/hpc/api/v1');
    expect(embed.assets.portal).toBe('https://gw.example.org/hpc/portal/assets/portal.js?v=1');
    // an old ctld's absolute paths keep working; without "api" the base's sibling
    const old = parseConfig('{"base":"/portal"}', 'https://gw.example.org/hpc/portal/');
    expect(old.api).toBe('https://gw.example.org/api/v1');
    expect(() => parseConfig('{"base":"http://["}', 'https://h/portal/')).toThrow('portal config: URL "http://["');
  });

  test('missing fields take defaults; wrong ones are named; no element is a clear error', () => {
    expect(parseConfig('{}', 'https://h/portal/')).toMatchObject({
      base: 'https://h/portal',
      api: 'https://h/api/v1',
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

describe('pickTheme', () => {
  test('full portal: ?theme= beats the stored choice, which beats the config; an embed follows its config', () => {
    expect(pickTheme({ embed: false, config: 'dark', url: 'light', stored: 'dark' })).toBe('light');
    expect(pickTheme({ embed: false, config: 'light', url: null, stored: 'dark' })).toBe('dark');
    expect(pickTheme({ embed: false, config: 'light', url: 'purple', stored: null })).toBe('light');
    expect(pickTheme({ embed: true, config: 'dark', url: 'light', stored: 'light' })).toBe('dark');
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
