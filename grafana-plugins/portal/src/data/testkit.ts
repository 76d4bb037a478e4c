import { DataFrame } from '@grafana/data';

/** The values of a frame's field by name (test helper); throws naming the field when it is absent. */
export function col(frame: DataFrame | undefined, name: string): unknown[] {
  const f = frame?.fields.find((x) => x.name === name);
  if (f === undefined) {
    throw new Error(`no field ${name} in ${frame?.fields.map((x) => x.name).join(',')}`);
  }
  return [...f.values];
}

/** ctld's ResourceCounts (test helper): idle and allocated given, the rest zero unless overridden. */
export function counts(idle: number, allocated: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    byState: { idle, allocated, down: 0, drain: 0, reserved: 0, powered_down: 0, planned: 0, completing: 0 },
    preemptable: 0,
    available: idle,
    total: idle + allocated,
    freeWithin: { '1h': 0, '6h': 0 },
    ...extra,
  };
}
