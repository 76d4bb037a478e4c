import type { ProfilePoint } from './types.js';

/** One cycle's figures of a job, summed or averaged over its reporting nodes. */
export interface ProfileSample {
  readonly tMs: number;
  readonly cpu?: number;
  readonly cpuMin?: number;
  readonly cpuMax?: number;
  readonly memoryBytes: number;
  readonly gpu?: number;
  readonly powerWatts?: number;
}

interface Bucket {
  t0: number;
  t1: number;
  n: number;
  cpu: Mean;
  cpuMin: Mean;
  cpuMax: Mean;
  gpu: Mean;
  power: Mean;
  mem: number;
}

interface Mean {
  sum: number;
  n: number;
}

const add = (m: Mean, v: number | undefined): void => {
  if (v === undefined) return;
  m.sum += v;
  m.n++;
};
const merge = (a: Mean, b: Mean): Mean => ({ sum: a.sum + b.sum, n: a.n + b.n });
const value = (m: Mean): number | null => (m.n === 0 ? null : m.sum / m.n);

/**
 * A job's profile over time in at most `maxPoints` points. Each sample lands in the current
 * bucket; when the buckets are full, neighbours merge pairwise and every later bucket holds
 * twice the samples. Memory per job is O(maxPoints) however long the job runs; each point is
 * the mean of the samples it stands for (min/max are means of the per-cycle min/max).
 */
export class Profile {
  private readonly buckets: Bucket[] = [];
  private perBucket = 1;

  constructor(private readonly maxPoints: number) {
    if (maxPoints < 2) throw new RangeError('a profile needs at least 2 points');
  }

  /** Adds one cycle's sample (times must not go back). */
  add(s: ProfileSample): void {
    let b = this.buckets[this.buckets.length - 1];
    if (b === undefined || b.n >= this.perBucket) {
      if (this.buckets.length >= this.maxPoints) this.halve();
      b = newBucket(s.tMs);
      this.buckets.push(b);
    }
    b.t1 = s.tMs;
    b.n++;
    add(b.cpu, s.cpu);
    add(b.cpuMin, s.cpuMin);
    add(b.cpuMax, s.cpuMax);
    add(b.gpu, s.gpu);
    add(b.power, s.powerWatts);
    b.mem += s.memoryBytes;
  }

  private halve(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i];
      const c = this.buckets[i + 1];
      if (a === undefined) continue;
      merged.push(c === undefined ? a : mergeBuckets(a, c));
    }
    this.buckets.splice(0, this.buckets.length, ...merged);
    this.perBucket *= 2;
  }

  /** The points, oldest first. */
  points(): ProfilePoint[] {
    return this.buckets.map((b) => ({
      t: Math.round((b.t0 + b.t1) / 2),
      cpu: value(b.cpu),
      cpu_min: value(b.cpuMin),
      cpu_max: value(b.cpuMax),
      memory_bytes: Math.round(b.mem / b.n),
      gpu: value(b.gpu),
      power_watts: value(b.power),
    }));
  }
}

function newBucket(t: number): Bucket {
  const m = (): Mean => ({ sum: 0, n: 0 });
  return { t0: t, t1: t, n: 0, cpu: m(), cpuMin: m(), cpuMax: m(), gpu: m(), power: m(), mem: 0 };
}

function mergeBuckets(a: Bucket, b: Bucket): Bucket {
  return {
    t0: a.t0,
    t1: b.t1,
    n: a.n + b.n,
    cpu: merge(a.cpu, b.cpu),
    cpuMin: merge(a.cpuMin, b.cpuMin),
    cpuMax: merge(a.cpuMax, b.cpuMax),
    gpu: merge(a.gpu, b.gpu),
    power: merge(a.power, b.power),
    mem: a.mem + b.mem,
  };
}
