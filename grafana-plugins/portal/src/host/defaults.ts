import React from 'react';
import { PanelPlugin, standardEditorsRegistry, StandardEditorsRegistryItem } from '@grafana/data';

/** Every editor id @grafana/data's option builders look up (OptionsUIBuilders.ts, 13.1.1). */
const EDITOR_IDS = [
  'boolean',
  'color',
  'dashboard-uid',
  'field-name',
  'multi-select',
  'number',
  'radio',
  'select',
  'slider',
  'strings',
  'text',
  'timezone',
  'unit',
];

/** The portal shows no options editor: an editor that renders nothing stands in for each. */
const NoEditor = (): React.ReactElement | null => null;

/**
 * Registers a placeholder for each standard option editor that is not registered yet. Grafana's
 * app fills `standardEditorsRegistry` at start (getAllOptionEditors, in Grafana itself, not in
 * @grafana/data); without it a panel's option builder throws `"number" not found in: ` as soon as
 * the defaults are computed. Idempotent.
 */
export function ensureOptionEditors(): void {
  for (const id of EDITOR_IDS) {
    if (standardEditorsRegistry.getIfExists(id) === undefined) {
      const item: StandardEditorsRegistryItem = { id, name: id, editor: NoEditor };
      standardEditorsRegistry.register(item);
    }
  }
}

/** A plain object (not an array, not null): merged key by key. */
function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `base` with `over` merged in, nested objects key by key; arrays and scalars replaced. Pure. */
export function mergeOptions(
  base: Readonly<Record<string, unknown>>,
  over: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? mergeOptions(b, v) : v;
  }
  return out;
}

/**
 * The options a panel starts with in Grafana: the defaults its option builder declares
 * (`PanelPlugin.defaults`, which runs the `setPanelOptions` supplier on a PanelOptionsEditorBuilder
 * and sets each item's `defaultValue` at its path), with `overrides` merged over them.
 */
export function defaultOptions(
  plugin: PanelPlugin,
  overrides: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  ensureOptionEditors();
  const defaults: unknown = plugin.defaults;
  // plugin.defaults may hand back its own stored object (setDefaults): copy before merging.
  return mergeOptions(isPlain(defaults) ? (copyPlain(defaults) as Record<string, unknown>) : {}, overrides);
}

/** A deep copy of plain objects and arrays; anything else (functions, instances) kept by reference. */
function copyPlain(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(copyPlain);
  }
  return isPlain(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyPlain(x)])) : v;
}
