import { PartitionAvailability } from './availability';
import { amountWithUnit, formatAmount } from './units';

/** What a bar segment stands for (each has its own colour). */
export type SegmentKind = 'idle' | 'preemptable' | 'allocated' | 'drain' | 'down' | 'other';

/** One segment of a partition's stacked bar. */
export interface Segment {
  readonly kind: SegmentKind;
  /** The amount the segment stands for (unknown drawn as 0). */
  readonly value: number;
  /** Its share of the bar, 0..1. */
  readonly fraction: number;
  /** Its aria-label and tooltip: `partition gpu: 4 GPUs idle`. */
  readonly label: string;
}

/** A tile's aria-label: `partition gpu: 12 GPUs available now, 4 by preemption`. Pure. */
export function partitionLabel(p: PartitionAvailability, key: string): string {
  return `partition ${p.partition}: ${amountWithUnit(p.available, key)} available now, ${formatAmount(p.preemptable, key)} by preemption`;
}

/** The headline in large type: `available now: 12 (4 of them by preemption)`. Pure. */
export function headline(p: PartitionAvailability, key: string): string {
  return `available now: ${formatAmount(p.available, key)} (${formatAmount(p.preemptable, key)} of them by preemption)`;
}

/** Which free-soon horizons to show. */
export interface FreeSoonShown {
  readonly h1: boolean;
  readonly h6: boolean;
}

/** "+3 within 1 h, +5 within 6 h" and its aria-label, or null when nothing is to be shown. Pure. */
export function freeSoon(
  p: PartitionAvailability,
  key: string,
  shown: FreeSoonShown,
): { text: string; label: string } | null {
  const parts: Array<[number | null, string]> = [];
  if (shown.h1) {
    parts.push([p.free1h, '1 h']);
  }
  if (shown.h6) {
    parts.push([p.free6h, '6 h']);
  }
  if (parts.length === 0) {
    return null;
  }
  const text = parts.map(([v, h]) => `${v === null ? '+?' : `+${formatAmount(v, key)}`} within ${h}`).join(', ');
  const words = parts.map(([v, h], i) => `${i === 0 ? amountWithUnit(v, key) : formatAmount(v, key)} within ${h}`);
  return { text, label: `partition ${p.partition}: ${words.join(', ').replace(' within', ' free within')}` };
}

const z = (v: number | null): number => (v === null || v < 0 ? 0 : v);

/**
 * The stacked bar: idle, preemptable (held by jobs that may be preempted: part of allocated),
 * the rest of allocated, drained, down, and the rest of `total` (reserved, planned, powered down)
 * as other. Unknown amounts are drawn as 0 and labelled "unknown"; zero segments are left out. Pure.
 */
export function segments(p: PartitionAvailability, key: string): Segment[] {
  const name = `partition ${p.partition}: `;
  const preempt = z(p.preemptable);
  const restAllocated = Math.max(0, z(p.allocated) - preempt);
  const sum = z(p.idle) + preempt + restAllocated + z(p.drain) + z(p.down);
  const other = Math.max(0, z(p.total) - sum);
  const scale = sum + other;
  const unit = (v: number | null): string => amountWithUnit(v, key);
  const all: Array<[SegmentKind, number, string]> = [
    ['idle', z(p.idle), `${unit(p.idle)} idle`],
    ['preemptable', preempt, `${unit(p.preemptable)} allocated but preemptable`],
    ['allocated', restAllocated, `${unit(p.allocated === null ? null : restAllocated)} allocated, not preemptable`],
    ['drain', z(p.drain), `${unit(p.drain)} drained`],
    ['down', z(p.down), `${unit(p.down)} down`],
    ['other', other, `${unit(other)} in other states (reserved, planned, powered down)`],
  ];
  if (scale <= 0) {
    return [];
  }
  return all
    .filter(([, v]) => v > 0)
    .map(([kind, value, words]) => ({ kind, value, fraction: value / scale, label: name + words }));
}

/** The amounts in one line under the bar: `idle 12 · allocated 8 (4 preemptable) · drained 1 · down 0 · total 21`. Pure. */
export function breakdown(p: PartitionAvailability, key: string): string {
  const f = (v: number | null) => formatAmount(v, key);
  const parts = [
    `idle ${f(p.idle)}`,
    `allocated ${f(p.allocated)} (${f(p.preemptable)} preemptable)`,
    `drained ${f(p.drain)}`,
    `down ${f(p.down)}`,
  ];
  if (p.total !== null) {
    parts.push(`total ${f(p.total)}`);
  }
  return parts.join(' · ');
}
