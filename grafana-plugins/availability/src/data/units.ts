import { formatUnit } from '../../../common/src/format';
import { ResourceUnit } from '../types';

/** The resources of the contract, in the order the switch lists them (`gpus:<type>` after `gpus`). */
export const RESOURCE_UNITS: readonly ResourceUnit[] = ['nodes', 'cpus', 'gpus', 'memory_bytes'];

const ALIASES: Readonly<Record<string, string>> = {
  node: 'nodes',
  cpu: 'cpus',
  gpu: 'gpus',
  memory: 'memory_bytes',
  mem: 'memory_bytes',
  memory_byte: 'memory_bytes',
};

/** A resource name as a key: trimmed, lower case, `gpu:x` → `gpus:x`, `memory` → `memory_bytes`. Pure. */
export function normalizeResource(raw: string): string {
  const r = raw.trim().toLowerCase();
  const colon = r.indexOf(':');
  if (colon > 0) {
    const base = ALIASES[r.slice(0, colon)] ?? r.slice(0, colon);
    return `${base}:${r.slice(colon + 1).trim()}`;
  }
  return ALIASES[r] ?? r;
}

/** True for a resource option value the panel knows. */
export function isResourceUnit(v: unknown): v is ResourceUnit {
  return typeof v === 'string' && (RESOURCE_UNITS as readonly string[]).includes(v);
}

/** Sort rank of a resource key: the contract's order, GPU types after `gpus`, unknown ones last. */
export function resourceRank(key: string): number {
  const base = key.split(':')[0] ?? key;
  const i = (RESOURCE_UNITS as readonly string[]).indexOf(base);
  return (i < 0 ? RESOURCE_UNITS.length : i) * 2 + (key.includes(':') ? 1 : 0);
}

const LABELS: Readonly<Record<string, string>> = { nodes: 'Nodes', cpus: 'CPUs', gpus: 'GPUs', memory_bytes: 'Memory' };

/** The switch's label of a resource key: "Nodes", "CPUs", "GPUs", "GPUs a100", "Memory". */
export function resourceLabel(key: string): string {
  const [base, type] = key.split(':');
  const name = LABELS[base ?? ''] ?? base ?? key;
  return type ? `${name} ${type}` : name;
}

const NOUNS: Readonly<Record<string, readonly [string, string]>> = {
  nodes: ['node', 'nodes'],
  cpus: ['CPU', 'CPUs'],
  gpus: ['GPU', 'GPUs'],
};

/** A count as words: whole numbers as they are, fractions with one decimal. */
function count(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** An amount of a resource without its noun: "12", "1.50 TiB" (Grafana's bytes formatter), "unknown". */
export function formatAmount(value: number | null, key: string): string {
  if (value === null) {
    return 'unknown';
  }
  return key === 'memory_bytes' ? formatUnit(value, 'bytes') : count(value);
}

/** An amount with its noun: "12 GPUs", "1 CPU", "3 a100 GPUs", "1.50 TiB of memory", "unknown nodes". */
export function amountWithUnit(value: number | null, key: string): string {
  if (key === 'memory_bytes') {
    return value === null ? 'unknown memory' : `${formatAmount(value, key)} of memory`;
  }
  const [base, type] = key.split(':');
  const nouns = NOUNS[base ?? ''] ?? [base ?? key, base ?? key];
  const noun = value === 1 ? nouns[0] : nouns[1];
  return `${formatAmount(value, key)} ${type ? `${type} ` : ''}${noun}`;
}
