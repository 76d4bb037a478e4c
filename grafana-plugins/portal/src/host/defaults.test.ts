import React from 'react';
import { PanelPlugin, PanelProps } from '@grafana/data';
import { defaultOptions, mergeOptions } from './defaults';
import { loadPanel } from './load';

interface Opts {
  resource: string;
  showGrid: boolean;
  grid: { cellSize: number; labels: string[] };
  title: string;
}

const Panel = (_: PanelProps<Opts>) => React.createElement('div');
const AnyPanel = (_: PanelProps) => React.createElement('div');

function plugin(): PanelPlugin<Opts> {
  return new PanelPlugin<Opts>(Panel).setPanelOptions((b) =>
    b
      .addRadio({
        path: 'resource',
        name: 'Resource',
        defaultValue: 'nodes',
        settings: { options: [{ value: 'nodes', label: 'Nodes' }] },
      })
      .addBooleanSwitch({ path: 'showGrid', name: 'Grid', defaultValue: true })
      .addNumberInput({ path: 'grid.cellSize', name: 'Cell', defaultValue: 8 })
      .addTextInput({ path: 'title', name: 'Title' }),
  );
}

describe('defaultOptions', () => {
  test('without the option editors Grafana registers at start, the builder throws (why ensureOptionEditors exists)', () => {
    expect(() => plugin().defaults).toThrow('"radio" not found in');
  });

  test('the defaults the option builder declares, nested paths included; no default → absent', () => {
    expect(defaultOptions(plugin())).toEqual({ resource: 'nodes', showGrid: true, grid: { cellSize: 8 } });
  });

  test('overrides merged over the defaults, nested key by key', () => {
    const o = defaultOptions(plugin(), { showGrid: false, grid: { labels: ['a'] }, extra: 1 });
    expect(o).toEqual({ resource: 'nodes', showGrid: false, grid: { cellSize: 8, labels: ['a'] }, extra: 1 });
  });

  test('a plugin without an option builder: just the overrides', () => {
    expect(defaultOptions(new PanelPlugin(Panel), { a: 1 })).toEqual({ a: 1 });
  });

  test("deprecated setDefaults: a copy, never the plugin's own object", () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const p = new PanelPlugin(AnyPanel).setDefaults({ nested: { x: 1 } });
    expect(warn).toHaveBeenCalled(); // Grafana's deprecation warning, silenced here
    warn.mockRestore();
    const o = defaultOptions(p, { nested: { y: 2 } });
    expect(o).toEqual({ nested: { x: 1, y: 2 } });
    expect(p.defaults).toEqual({ nested: { x: 1 } });
  });
});

describe('mergeOptions', () => {
  test('arrays and scalars replace; objects merge; inputs untouched', () => {
    const base = { a: [1, 2], b: { c: 1, d: 2 }, e: 'x' };
    expect(mergeOptions(base, { a: [3], b: { d: 3 }, e: null })).toEqual({ a: [3], b: { c: 1, d: 3 }, e: null });
    expect(base).toEqual({ a: [1, 2], b: { c: 1, d: 2 }, e: 'x' });
  });
});

describe('loadPanel', () => {
  test("the module's PanelPlugin", async () => {
    const p = plugin();
    await expect(loadPanel('/m.js', async () => ({ plugin: p }))).resolves.toBe(p);
  });

  test('clear errors: a failed import, no plugin export, a plugin that is no PanelPlugin', async () => {
    await expect(loadPanel('/x.js', () => Promise.reject(new Error('404 Not Found')))).rejects.toThrow(
      'cannot load the panel /x.js: 404 Not Found',
    );
    await expect(loadPanel('/y.js', async () => ({ default: {} }))).rejects.toThrow('/y.js has no `plugin` export');
    await expect(loadPanel('/z.js', async () => ({ plugin: { panel: Panel } }))).rejects.toThrow('not a PanelPlugin');
    await expect(loadPanel('/n.js', async () => ({ plugin: new PanelPlugin(null) }))).rejects.toThrow(
      'no panel component',
    );
  });
});
