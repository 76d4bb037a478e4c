import { createDataFrame, DataFrame, FieldType } from '@grafana/data';
import { list, num, obj, str, sumKnown } from './json';

/** The id users know (`1234_5`, `1234+1`): displayId, else the raw jobid. */
function jobId(j: Readonly<Record<string, unknown>>): string {
  return str(j.displayId) || str(j.jobid);
}

/** Mean utilization (0..1) of a node's GPUs that reported one; NaN when none did. */
function gpuMean(gpus: readonly unknown[]): number {
  let sum = NaN;
  let n = 0;
  for (const g of gpus) {
    const u = num(obj(g).utilization);
    if (Number.isNaN(u)) {
      continue;
    }
    sum = sumKnown(sum, u);
    n++;
  }
  return n > 0 ? sum / n : NaN;
}

/** The columns of the job × node frame. */
interface Columns {
  jobid: string[];
  node: string[];
  cpu_util: number[];
  gpu_util: number[];
  user: string[];
  mem_used_bytes: number[];
}

/** One row per job and node; a node without a fresh report keeps its row with NaN figures. */
function columns(jobs: readonly unknown[]): { cols: Columns; anyGpu: boolean } {
  const cols: Columns = { jobid: [], node: [], cpu_util: [], gpu_util: [], user: [], mem_used_bytes: [] };
  let anyGpu = false;
  for (const raw of jobs) {
    const j = obj(raw);
    for (const rawNode of list(j.nodes)) {
      const n = obj(rawNode);
      const gpus = list(n.gpus);
      anyGpu ||= gpus.length > 0;
      const reported = n.reported !== false;
      cols.jobid.push(jobId(j));
      cols.node.push(str(n.node));
      cols.cpu_util.push(reported ? num(n.cpuUtilization) : NaN);
      cols.gpu_util.push(reported ? gpuMean(gpus) : NaN);
      cols.user.push(str(j.user));
      cols.mem_used_bytes.push(reported ? num(n.memoryUsedBytes) : NaN);
    }
  }
  return { cols, anyGpu };
}

/** The job × node frame; `gpu_util` only when some job has GPUs (the panel then offers GPU colouring). Pure. */
export function jobsFrame(json: unknown): DataFrame {
  const { cols, anyGpu } = columns(list(obj(json).jobs));
  return createDataFrame({
    name: 'webjobs',
    refId: 'A',
    fields: [
      { name: 'jobid', type: FieldType.string, values: cols.jobid },
      { name: 'node', type: FieldType.string, values: cols.node },
      { name: 'cpu_util', type: FieldType.number, values: cols.cpu_util },
      ...(anyGpu ? [{ name: 'gpu_util', type: FieldType.number, values: cols.gpu_util }] : []),
      { name: 'user', type: FieldType.string, values: cols.user },
      { name: 'mem_used_bytes', type: FieldType.number, values: cols.mem_used_bytes },
    ],
  });
}

/** The active findings frame (jobid = the id users know, kind); findings without a kind are left out. Pure. */
export function findingsFrame(json: unknown): DataFrame {
  const found = list(obj(json).findings)
    .map(obj)
    .filter((f) => str(f.kind) !== '');
  return createDataFrame({
    name: 'findings',
    refId: 'B',
    fields: [
      { name: 'jobid', type: FieldType.string, values: found.map(jobId) },
      { name: 'kind', type: FieldType.string, values: found.map((f) => str(f.kind)) },
    ],
  });
}

/**
 * ctld's GET /api/v1/webjobs answer (and, when given, GET /api/v1/findings) as the webjobs panel's
 * frames: one row per job and node, then the findings frame. Pure.
 */
export function webjobsFrames(json: unknown, findingsJson?: unknown): DataFrame[] {
  const frames = [jobsFrame(json)];
  if (findingsJson !== undefined && findingsJson !== null) {
    frames.push(findingsFrame(findingsJson));
  }
  return frames;
}
