// SystemJS + its AMD extra, the loader Grafana itself uses for plugins' dist/module.js (AMD). The
// modules Grafana shares with plugins (webpack externals of every panel) are registered in the
// import map under `app:<name>`, so that a panel's `define(['react', '@grafana/ui', ...])` gets
// the very instances this bundle renders with (one React, one theme context, one registry).
import 'systemjs/dist/system.js';
import 'systemjs/dist/extras/amd.js';
import React from 'react';
import * as ReactDOM from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import lodash from 'lodash';
import * as rxjs from 'rxjs';
import { runtimeStub } from './runtime-stub';
import { sharedGrafanaData, sharedGrafanaUi } from './shared-grafana';

/** The part of SystemJS's global this host uses. */
export interface SystemLoader {
  import(url: string): Promise<unknown>;
  set(id: string, module: object): unknown;
  addImportMap(map: { imports: Record<string, string> }): void;
}

/** SystemJS's global instance (set by system.js on import). */
export function systemLoader(): SystemLoader {
  const s = (globalThis as unknown as { System?: SystemLoader }).System;
  if (s === undefined) {
    throw new Error('SystemJS did not load (window.System is missing)');
  }
  return s;
}

/** The modules shared with plugins, by the names plugins import them under (their webpack externals). */
export function sharedModules(): Record<string, unknown> {
  return {
    react: React,
    'react-dom': ReactDOM,
    'react/jsx-runtime': jsxRuntime,
    '@emotion/css': emotionCss,
    '@emotion/react': emotionReact,
    '@grafana/data': sharedGrafanaData,
    '@grafana/ui': sharedGrafanaUi,
    '@grafana/runtime': runtimeStub(),
    lodash,
    rxjs,
  };
}

/**
 * Registers the shared modules in SystemJS's import map and sets `window.__grafana_public_path__`
 * (where @grafana/ui fetches its icons: `<publicPath>build/img/icons/...`). Call once per page.
 */
export function installSharedModules(publicPath: string): void {
  const system = systemLoader();
  const imports: Record<string, string> = {};
  for (const [name, mod] of Object.entries(sharedModules())) {
    imports[name] = `app:${name}`;
    // __useDefault: the AMD extra hands `default` itself to define()'s factory, as Grafana does.
    system.set(`app:${name}`, { default: mod, __useDefault: true });
  }
  system.addImportMap({ imports });
  (window as unknown as { __grafana_public_path__?: string }).__grafana_public_path__ = publicPath;
}
