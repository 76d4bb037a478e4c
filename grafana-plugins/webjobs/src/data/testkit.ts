import { createDataFrame, DataFrame, FieldType } from '@grafana/data';

/** One row of a jobs frame for tests: undefined leaves the value out (null in the frame). */
export interface JobRowIn {
  readonly jobid: string;
  readonly node: string;
  readonly cpu?: number | null;
  readonly gpu?: number | null;
  readonly user?: string;
  readonly mem?: number;
}

/** A jobs frame with the default field names (or the given ones); gpu_util only when `withGpu`. */
export function jobsFrame(
  rows: readonly JobRowIn[],
  opts: { withGpu?: boolean; names?: Partial<Record<'jobid' | 'node' | 'cpu' | 'gpu' | 'user' | 'mem', string>> } = {},
): DataFrame {
  const n = {
    jobid: 'jobid',
    node: 'node',
    cpu: 'cpu_util',
    gpu: 'gpu_util',
    user: 'user',
    mem: 'mem_used_bytes',
    ...opts.names,
  };
  const fields = [
    { name: n.jobid, type: FieldType.string, values: rows.map((r) => r.jobid) },
    { name: n.node, type: FieldType.string, values: rows.map((r) => r.node) },
    { name: n.cpu, type: FieldType.number, values: rows.map((r) => r.cpu ?? null) },
    { name: n.user, type: FieldType.string, values: rows.map((r) => r.user ?? 'alice') },
    { name: n.mem, type: FieldType.number, values: rows.map((r) => r.mem ?? null) },
  ];
  if (opts.withGpu) {
    fields.push({ name: n.gpu, type: FieldType.number, values: rows.map((r) => r.gpu ?? null) });
  }
  return createDataFrame({ fields });
}

/** A findings frame: `jobid`, `kind`. */
export function findingsFrame(
  rows: ReadonlyArray<readonly [string, string]>,
  names = { jobid: 'jobid', kind: 'kind' },
): DataFrame {
  return createDataFrame({
    fields: [
      { name: names.jobid, type: FieldType.string, values: rows.map((r) => r[0]) },
      { name: names.kind, type: FieldType.string, values: rows.map((r) => r[1]) },
    ],
  });
}

/** `jobs` jobs, job j on 1 + (j % maxNodes) nodes (node-0, node-1, ...); CPU utilization a function of (j, k). */
export function bigFrame(jobs: number, maxNodes: number): DataFrame {
  const rows: JobRowIn[] = [];
  for (let j = 0; j < jobs; j++) {
    for (let k = 0; k <= j % maxNodes; k++) {
      rows.push({ jobid: String(1000 + j), node: `node-${k}`, cpu: ((j * 7 + k * 13) % 100) / 100, user: `u${j % 9}` });
    }
  }
  return jobsFrame(rows);
}
