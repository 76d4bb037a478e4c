import { DataFrame } from '@grafana/data';
import { Columns, FieldSpec, ReadResult, findField, finite, readFields } from '../../../common/src/fields';
import { AvailabilityOptions, FieldNames, fieldNames } from '../types';
import { isResourceUnit, normalizeResource, resourceLabel, resourceRank } from './units';

/**
 * One partition's amounts in one resource. `null` = unknown: the value was NaN, null or not a
 * number. The bars draw an unknown as 0; the words say "unknown" (never a made-up number).
 */
export interface PartitionAvailability {
  readonly partition: string;
  readonly idle: number | null;
  readonly allocated: number | null;
  readonly down: number | null;
  readonly drain: number | null;
  readonly preemptable: number | null;
  /** The `available` field, else idle + preemptable (unknown when either is). */
  readonly available: number | null;
  /** The `total` field where present and finite. */
  readonly total: number | null;
  /** Released within 1 h by running jobs' time limits (`free_1h`), where present. */
  readonly free1h: number | null;
  /** The same within 6 h (`free_6h`), where present. */
  readonly free6h: number | null;
}

/** The partitions of one resource (`nodes`, `cpus`, `gpus`, `gpus:<type>`, `memory_bytes`). */
export interface ResourceView {
  readonly key: string;
  /** The switch's label: "Nodes", "CPUs", "GPUs a100", "Memory". */
  readonly label: string;
  readonly partitions: readonly PartitionAvailability[];
}

/** The availability frame(s) shaped for the panel. */
export interface AvailabilityModel {
  /** Every resource in the data, in the switch's order (one when the frame has no `resource` field). */
  readonly resources: readonly ResourceView[];
  /** Whether the frame had a `resource` field (the panel then shows the switch). */
  readonly hasResourceField: boolean;
  readonly hasFree1h: boolean;
  readonly hasFree6h: boolean;
}

type Key =
  | 'partition'
  | 'idle'
  | 'allocated'
  | 'down'
  | 'drain'
  | 'preemptable'
  | 'available'
  | 'total'
  | 'free1h'
  | 'free6h'
  | 'resource';

function specs(n: FieldNames): Record<Key, FieldSpec> {
  const num = (name: string, optional = false): FieldSpec => ({ name, kind: 'number', optional });
  return {
    partition: { name: n.partition, kind: 'string' },
    idle: num(n.idle),
    allocated: num(n.allocated),
    down: num(n.down),
    drain: num(n.drain),
    preemptable: num(n.preemptable),
    available: num(n.available, true),
    total: num(n.total, true),
    free1h: num(n.free1h, true),
    free6h: num(n.free6h, true),
    resource: { name: n.resource, kind: 'string', optional: true },
  };
}

/** Is this frame the node grid's (it has a `node` field)? */
export function isGridFrame(frame: DataFrame, names: FieldNames): boolean {
  return findField(frame, names.node) !== undefined;
}

function num(col: readonly number[] | readonly string[] | undefined, i: number): number | null {
  if (col === undefined) {
    return null;
  }
  const v = col[i];
  return typeof v === 'number' ? (finite(v) ?? null) : null;
}

function row(c: Columns<Key>, i: number): PartitionAvailability {
  const idle = num(c.idle, i);
  const preemptable = num(c.preemptable, i);
  const sum = idle !== null && preemptable !== null ? idle + preemptable : null;
  return {
    partition: String(c.partition?.[i] ?? '') || '(no partition)',
    idle,
    allocated: num(c.allocated, i),
    down: num(c.down, i),
    drain: num(c.drain, i),
    preemptable,
    available: num(c.available, i) ?? sum,
    total: num(c.total, i),
    free1h: num(c.free1h, i),
    free6h: num(c.free6h, i),
  };
}

/**
 * The columns of every frame without a `node` field that has the partition field. A frame with
 * the partition field that does not read (a node frame whose `node` field was remapped away) is
 * skipped when another frame reads cleanly; else its message is the answer.
 */
function readFrames(frames: readonly DataFrame[], names: FieldNames): ReadResult<Array<Columns<Key>>> {
  const candidates = frames.filter((f) => f.fields.length > 0 && !isGridFrame(f, names));
  const withPartition = candidates.filter((f) => findField(f, names.partition) !== undefined);
  if (withPartition.length === 0) {
    if (candidates.length === 0 && frames.some((f) => f.fields.length > 0)) {
      const message = `No availability frame: every frame has a "${names.node}" field (the node grid's).`;
      return { ok: false, message };
    }
    const read = readFields(candidates[0], specs(names), 'the availability frame');
    return read.ok ? { ok: false, message: `Missing field "${names.partition}" in the availability frame.` } : read;
  }
  const good: Array<Columns<Key>> = [];
  let firstError: string | undefined;
  for (const frame of withPartition) {
    const read = readFields(frame, specs(names), 'the availability frame');
    if (read.ok) {
      good.push(read.value);
    } else {
      firstError ??= read.message;
    }
  }
  return good.length === 0 && firstError !== undefined ? { ok: false, message: firstError } : { ok: true, value: good };
}

/**
 * Shapes the availability frame(s) (see readFrames): one row per partition (and resource, with a
 * `resource` field). A later row of the same partition and resource replaces an earlier one (the
 * latest value of a time series wins). A missing or wrongly typed field, or no rows, is a message
 * naming it. Pure; never throws.
 */
export function shapeAvailability(
  frames: readonly DataFrame[],
  options: Pick<AvailabilityOptions, 'resource' | 'fields'>,
): ReadResult<AvailabilityModel> {
  const read = readFrames(frames, fieldNames(options.fields));
  if (!read.ok) {
    return read;
  }
  const fallback = isResourceUnit(options.resource) ? options.resource : 'cpus';
  const byResource = new Map<string, Map<string, PartitionAvailability>>();
  for (const c of read.value) {
    for (let i = 0; i < (c.partition?.length ?? 0); i++) {
      const raw = c.resource === undefined ? '' : String(c.resource[i] ?? '');
      const key = raw.trim() === '' ? fallback : normalizeResource(raw);
      let partitions = byResource.get(key);
      if (partitions === undefined) {
        byResource.set(key, (partitions = new Map()));
      }
      const r = row(c, i);
      partitions.set(r.partition, r);
    }
  }
  if (byResource.size === 0) {
    return { ok: false, message: 'No partitions: the availability frame has no rows.' };
  }
  const resources = [...byResource.entries()]
    .map(([key, partitions]) => ({ key, label: resourceLabel(key), partitions: [...partitions.values()] }))
    .sort((a, b) => resourceRank(a.key) - resourceRank(b.key) || a.key.localeCompare(b.key));
  const has = (k: Key) => read.value.some((c) => c[k] !== undefined);
  return {
    ok: true,
    value: { resources, hasResourceField: has('resource'), hasFree1h: has('free1h'), hasFree6h: has('free6h') },
  };
}

/**
 * The resource to show: `wanted` when the data has it; for `gpus` without plain GPU rows, the
 * first GPU type; else the first resource. Pure.
 */
export function pickResource(model: AvailabilityModel, wanted: string): ResourceView {
  const first = model.resources[0] as ResourceView;
  return (
    model.resources.find((r) => r.key === wanted) ??
    model.resources.find((r) => r.key.startsWith(`${wanted}:`)) ??
    first
  );
}
