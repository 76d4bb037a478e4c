// The portal bundle (ctld serves it as /portal/assets/portal.js): sets up SystemJS with the modules
// Grafana shares with plugins, exposes window.slurmscope (mount, for tests and benches), and renders
// the portal page into #root from the config ctld writes into the page.
import { installSharedModules, systemLoader } from './host/systemjs';
import React from 'react';
import { createRoot } from 'react-dom/client';
import { availabilityFrames } from './data/availability';
import { co2Frames } from './data/co2';
import { webjobsFrames } from './data/webjobs';
import { CONFIG_ELEMENT_ID, parseConfig, PortalConfig } from './app/config';
import { PortalRoot } from './app/Root';
import { createServices } from './app/services';
import { ensureOptionEditors } from './host/defaults';
import { PanelErrorBoundary } from './host/ErrorBoundary';
import { panelCache } from './host/load';
import { createMounter, MountRequest, MountResult } from './host/mount';

/** What the bundle exposes as `window.slurmscope`. */
export interface SlurmscopePortal {
  /** Resolves once SystemJS and the shared modules are set up (mount works); rejects with why not. */
  ready: Promise<void>;
  /** Renders a built panel into `el` with frames and options; resolves with how long it took (see host/mount.tsx). */
  mount(el: HTMLElement, req: MountRequest): Promise<MountResult>;
  /** The pure ctld JSON → frames functions, for tests that start from ctld's answers. */
  frames: { availability: typeof availabilityFrames; webjobs: typeof webjobsFrames; co2: typeof co2Frames };
}

declare global {
  interface Window {
    slurmscope?: SlurmscopePortal;
  }
}

/** The page's config, or why it cannot be read; undefined without a config element (a test page). */
function readConfig(): { config?: PortalConfig; error?: string } {
  const el = document.getElementById(CONFIG_ELEMENT_ID);
  if (el === null) {
    return {};
  }
  try {
    return { config: parseConfig(el.textContent) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Shows a start-up failure as text in #root: the page is never blank. */
function showFatal(root: HTMLElement | null, message: string): void {
  console.error(message);
  if (root !== null) {
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = `The portal cannot start: ${message}`;
    root.replaceChildren(p);
  }
}

/** Sets everything up; returns the API put on window.slurmscope. */
function boot(): SlurmscopePortal {
  const root = document.getElementById('root');
  const { config, error } = readConfig();
  const base = config?.base ?? '/portal';
  const pluginUrl = (id: string): string => config?.assets.plugins[id] ?? `${base}/plugins/${id}/module.js`;
  const load = panelCache((url) => systemLoader().import(url));
  const frames = { availability: availabilityFrames, webjobs: webjobsFrames, co2: co2Frames };
  try {
    // Icons: @grafana/ui fetches <public path>build/img/icons/<set>/<name>.svg; the base is resolved
    // against the page (a reverse proxy's prefix included), so the public path is too.
    installSharedModules(config === undefined ? '/public/' : `${base}/assets/public/`);
    ensureOptionEditors();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    showFatal(root, message);
    const ready = Promise.reject(new Error(message));
    ready.catch(() => undefined); // already shown on the page; a caller awaiting ready still gets it
    return { ready, mount: () => ready.then(() => ({ renderMs: NaN, frameMs: NaN })), frames };
  }
  if (error !== undefined) {
    showFatal(root, error);
  } else if (config !== undefined && root !== null) {
    const page = createServices(config, (id) => load(pluginUrl(id)));
    createRoot(root).render(
      <PanelErrorBoundary what="the portal page">
        <PortalRoot services={page} />
      </PanelErrorBoundary>,
    );
  }
  return { ready: Promise.resolve(), mount: createMounter(load, pluginUrl), frames };
}

window.slurmscope = boot();
