import React from 'react';
import { flushSync } from 'react-dom';
import { createRoot, Root } from 'react-dom/client';
import { createDataFrame, DataFrame, FieldType, PanelPlugin } from '@grafana/data';
import { defaultOptions } from './defaults';
import { PanelHost, ThemeMode } from './PanelHost';

/** What `window.slurmscope.mount` takes: a panel, its frames, options over its defaults, theme and size. */
export interface MountRequest {
  pluginId: string;
  /** The panel's dist/module.js; default: the page config's URL for the id, else /portal/plugins/<id>/module.js. */
  url?: string;
  /** DataFrames, or plain `{name?, fields: [{name, type?, values}]}` objects (types guessed when absent). */
  frames: unknown[];
  options?: Record<string, unknown>;
  theme?: ThemeMode;
  width: number;
  height: number;
}

/** How long the mount took; see {@link createMounter} for what the figures measure. */
export interface MountResult {
  /** From just before root.render to the panel's DOM committed and laid out (ms). */
  renderMs: number;
  /** The same up to the next animation frame callback (includes waiting for the frame; ms). */
  frameMs: number;
}

/** A plain frame object as a DataFrame; anything else is an error naming its index. */
function toFrame(f: unknown, i: number): DataFrame {
  const fields = typeof f === 'object' && f !== null ? (f as { fields?: unknown }).fields : undefined;
  if (!Array.isArray(fields)) {
    throw new Error(`mount: frames[${i}] has no fields array`);
  }
  const frame = f as { name?: string; refId?: string };
  return createDataFrame({
    name: frame.name,
    refId: frame.refId,
    fields: fields.map((x: { name?: unknown; type?: FieldType; values?: unknown[]; config?: object }) => ({
      name: String(x.name ?? ''),
      type: x.type,
      config: x.config ?? {},
      values: Array.isArray(x.values) ? x.values : [],
    })),
  });
}

/** Resolves on the next animation frame. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/**
 * `mount(el, request)`: renders a built panel into `el` (replacing what an earlier mount put
 * there) and measures it. Loading the module and computing the options happen BEFORE the clock
 * starts; then renderMs = performance.now() around `flushSync(() => root.render(...))` (React
 * renders and commits synchronously, layout effects included) followed by a read of
 * `el.offsetHeight`, which makes the browser compute style and layout of the committed DOM. So
 * renderMs is React render + commit + style/layout, without paint; frameMs adds the wait for the
 * next requestAnimationFrame callback. A panel that throws rejects the mount with its message.
 */
export function createMounter(load: (url: string) => Promise<PanelPlugin>, pluginUrl: (id: string) => string) {
  const roots = new WeakMap<HTMLElement, Root>();
  return async (el: HTMLElement, req: MountRequest): Promise<MountResult> => {
    if (!(el instanceof HTMLElement)) {
      throw new Error('mount: the first argument must be an element');
    }
    if (!(req.width > 0 && req.height > 0)) {
      throw new Error(`mount: width and height must be > 0 (got ${req.width}×${req.height})`);
    }
    const plugin = await load(req.url ?? pluginUrl(req.pluginId));
    const frames = (req.frames ?? []).map(toFrame);
    const options = defaultOptions(plugin, req.options ?? {});
    let root = roots.get(el);
    if (root === undefined) {
      root = createRoot(el);
      roots.set(el, root);
    }
    const errors: Error[] = [];
    const host = (
      <PanelHost
        key={req.pluginId}
        pluginId={req.pluginId}
        plugin={plugin}
        frames={frames}
        options={options}
        theme={req.theme ?? 'dark'}
        width={req.width}
        height={req.height}
        onError={(e) => errors.push(e)}
      />
    );
    const t0 = performance.now();
    const r = root;
    flushSync(() => r.render(host));
    void el.offsetHeight; // forces style and layout now, inside the measured span
    const renderMs = performance.now() - t0;
    await nextFrame();
    const frameMs = performance.now() - t0;
    if (errors.length > 0) {
      throw new Error(`panel ${req.pluginId} failed: ${errors[0]?.message}`);
    }
    return { renderMs, frameMs };
  };
}
