// @grafana/runtime talks to a Grafana server (backend, data sources, the URL); the portal has none.
// The panels only use @grafana/data and @grafana/ui; this stub keeps a plugin that imports
// @grafana/runtime for a harmless helper loading, and makes anything server-bound fail loudly.

/** Throws for a @grafana/runtime service the portal cannot offer. */
function unavailable(name: string): () => never {
  return () => {
    throw new Error(`@grafana/runtime ${name}() is not available outside Grafana (slurmscope portal)`);
  };
}

/** A minimal @grafana/runtime: config, a template service that replaces nothing, a location service on window.location. */
export function runtimeStub(): Record<string, unknown> {
  return {
    config: {
      bootData: { user: {}, settings: {} },
      featureToggles: {},
      buildInfo: { version: '13.1.1' },
      appSubUrl: '',
    },
    getTemplateSrv: () => ({ replace: (s: string) => s, getVariables: () => [] }),
    locationService: {
      getLocation: () => window.location,
      push: (url: string) => window.location.assign(url),
      getSearchObject: () => Object.fromEntries(new URLSearchParams(window.location.search)),
    },
    getBackendSrv: unavailable('getBackendSrv'),
    getDataSourceSrv: unavailable('getDataSourceSrv'),
    getAppEvents: unavailable('getAppEvents'),
    reportInteraction: () => undefined,
  };
}
