import { Metric } from '../types';
import { Band, band, cellLabel, Thresholds } from './labels';

/** One node of a job: its utilization in the chosen metric, colour band and words. */
export interface WebjobCell {
  readonly node: string;
  /** The chosen metric's utilization (0..1); undefined when the node reported none (NaN, null, absent). */
  readonly value?: number;
  readonly band: Band;
  /** `job 42 on node-a: CPU 35 %` (aria-label and tooltip). */
  readonly label: string;
  readonly cpu?: number;
  readonly gpu?: number;
  readonly memBytes?: number;
}

/** What every cell of one shaping shares: the metric and the thresholds. */
export interface CellContext {
  readonly metric: Metric;
  readonly thresholds: Thresholds;
}

/**
 * A cell that sums its rows while the frames are read (several rows of one job and node: several
 * GPUs, or a frame per query) and works out its figures and words when asked. One object per cell
 * and labels made only for the rows in view: 500 jobs × 64 nodes made 96,000 objects and 32,000
 * strings per data refresh before, and the garbage collector took most of the shaping time.
 */
export class Cell implements WebjobCell {
  cpuSum = 0;
  cpuN = 0;
  gpuSum = 0;
  gpuN = 0;
  memBytes: number | undefined = undefined;

  constructor(
    readonly jobid: string,
    readonly node: string,
    private readonly ctx: CellContext,
  ) {}

  /** Adds one row's figures (each undefined when that row has none). */
  add(cpu: number | undefined, gpu: number | undefined, mem: number | undefined): void {
    if (cpu !== undefined) {
      this.cpuSum += cpu;
      this.cpuN++;
    }
    if (gpu !== undefined) {
      this.gpuSum += gpu;
      this.gpuN++;
    }
    if (mem !== undefined) {
      this.memBytes = mem;
    }
  }

  get cpu(): number | undefined {
    return this.cpuN > 0 ? this.cpuSum / this.cpuN : undefined;
  }

  get gpu(): number | undefined {
    return this.gpuN > 0 ? this.gpuSum / this.gpuN : undefined;
  }

  get value(): number | undefined {
    return this.ctx.metric === 'gpu' ? this.gpu : this.cpu;
  }

  get band(): Band {
    return band(this.value, this.ctx.thresholds);
  }

  get label(): string {
    return cellLabel(this.jobid, this.node, this.ctx.metric, this.value);
  }
}
