import { DataFrame, FieldType } from '@grafana/data';
import { FieldSpec, findField, readFields, ReadResult } from '../../../common/src/fields';
import { WebjobsOptions } from '../types';

/** The columns of a jobs frame (one row per job and node). */
export type JobColumn = 'jobid' | 'node' | 'cpu' | 'gpu' | 'user' | 'mem';

/**
 * A jobs frame's columns as they are: the fields' own value arrays (not copied: 32,000 rows made six
 * copies a noticeable part of a render). Strings may be numbers or null; numbers may be null or NaN.
 */
export type RawColumns = { readonly [P in JobColumn]: ArrayLike<unknown> | undefined };

/** The columns of the findings frame. */
export type FindingColumn = 'jobid' | 'kind';

/** What the frames hold: the jobs frames' columns and the active findings by job id. */
export interface ReadFrames {
  readonly jobs: readonly RawColumns[];
  /** Job id → finding kinds, each once, in the order first seen. */
  readonly findings: ReadonlyMap<string, readonly string[]>;
  /** Something the panel shows above the rows (a findings frame it could not read). */
  readonly warnings: readonly string[];
}

/** The findings frame is the one with a kind field and no node field. Pure. */
export function isFindingsFrame(frame: DataFrame, o: WebjobsOptions): boolean {
  return findField(frame, o.kindField) !== undefined && findField(frame, o.nodeField) === undefined;
}

function jobSpecs(o: WebjobsOptions, metricRequired: boolean): Record<JobColumn, FieldSpec> {
  return {
    jobid: { name: o.jobidField, kind: 'string' },
    node: { name: o.nodeField, kind: 'string' },
    cpu: { name: o.cpuField, kind: 'number', optional: !(metricRequired && o.metric === 'cpu') },
    gpu: { name: o.gpuField, kind: 'number', optional: !(metricRequired && o.metric === 'gpu') },
    user: { name: o.userField, kind: 'string', optional: true },
    mem: { name: o.memField, kind: 'number', optional: true },
  };
}

/**
 * Reads every jobs frame (those with the node field; several are joined by job and node, e.g. one
 * query for CPU and one per GPU) and the optional findings frame. A missing or wrongly typed field
 * is a message naming it; the metric's field must be in at least one jobs frame. Pure.
 */
export function readFrames(frames: readonly DataFrame[], o: WebjobsOptions): ReadResult<ReadFrames> {
  const nonEmpty = frames.filter((f) => f.fields.length > 0);
  const findingsFrame = nonEmpty.find((f) => isFindingsFrame(f, o));
  const jobFrames = nonEmpty.filter((f) => f !== findingsFrame && findField(f, o.nodeField) !== undefined);
  if (jobFrames.length === 0) {
    // Name what is missing: the node field of the first frame that is not the findings frame.
    const first = nonEmpty.find((f) => f !== findingsFrame) ?? findingsFrame;
    const r = readFields(first, jobSpecs(o, true));
    return { ok: false, message: r.ok ? `No data: the query result is empty.` : r.message };
  }
  const jobs: RawColumns[] = [];
  for (const frame of jobFrames) {
    const r = jobColumns(frame, jobSpecs(o, false));
    if (!r.ok) {
      return r;
    }
    jobs.push(r.value);
  }
  const key = o.metric === 'gpu' ? 'gpu' : 'cpu';
  if (!jobs.some((c) => c[key] !== undefined)) {
    const r = readFields(jobFrames[0], jobSpecs(o, true));
    if (!r.ok) {
      return r;
    }
  }
  const f = readFindings(findingsFrame, o);
  return { ok: true, value: { jobs, findings: f.findings, warnings: f.warning ? [f.warning] : [] } };
}

/**
 * The columns of a jobs frame: the fields' arrays as they are when every number field is typed
 * number; otherwise (numbers as strings, a field missing) common's readFields, which checks,
 * converts and names what is wrong.
 */
function jobColumns(frame: DataFrame, specs: Record<JobColumn, FieldSpec>): ReadResult<RawColumns> {
  const out: Partial<Record<JobColumn, ArrayLike<unknown>>> = {};
  for (const key of Object.keys(specs) as JobColumn[]) {
    const spec = specs[key];
    const field = findField(frame, spec.name);
    if (field === undefined && spec.optional) {
      continue;
    }
    if (field === undefined || (spec.kind === 'number' && field.type !== FieldType.number)) {
      return readFields(frame, specs);
    }
    out[key] = field.values;
  }
  return { ok: true, value: out as RawColumns };
}

function readFindings(
  frame: DataFrame | undefined,
  o: WebjobsOptions,
): { findings: Map<string, string[]>; warning?: string } {
  const findings = new Map<string, string[]>();
  if (frame === undefined) {
    return { findings };
  }
  const specs: Record<FindingColumn, FieldSpec> = {
    jobid: { name: o.jobidField, kind: 'string' },
    kind: { name: o.kindField, kind: 'string' },
  };
  const r = readFields(frame, specs, 'the findings frame');
  // The findings are an extra: the jobs are still shown, with the reason the findings are not.
  if (!r.ok) {
    return { findings, warning: r.message };
  }
  const ids = r.value.jobid as readonly string[];
  const kinds = r.value.kind as readonly string[];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const kind = kinds[i];
    if (!id || !kind) {
      continue;
    }
    const list = findings.get(id);
    if (list === undefined) {
      findings.set(id, [kind]);
    } else if (!list.includes(kind)) {
      list.push(kind);
    }
  }
  return { findings };
}
