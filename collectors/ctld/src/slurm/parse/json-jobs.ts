import { ParseError } from '@slurmscope/common';
import { expandHostlist } from '../hostlist.js';
import type { JobInfo } from '../types.js';
import {
  arrayField,
  detectSlurmVersion,
  isObject,
  num,
  parseJsonObject,
  states,
  str,
  type JsonObject,
  type JsonVersion,
} from './json.js';
import { gpusFromTres, jobEndTimeMs, parseGres, parseTres } from './units.js';

const MEBI = 1024 * 1024;

/** The jobs of one JSON document, with the release it came from. */
export interface ParsedJobs {
  readonly version: JsonVersion;
  readonly jobs: JobInfo[];
}

/**
 * Parses jobs from `squeue --json` or slurmrestd's `/jobs` of any supported release; keeps only
 * the states in `keep` (default RUNNING and COMPLETING: what availability and webjobs need).
 */
export function parseJobsJson(
  text: string,
  source = 'jobs json',
  keep: ReadonlySet<string> = new Set(['RUNNING', 'COMPLETING']),
): ParsedJobs {
  const doc = parseJsonObject(text, source);
  const version = detectSlurmVersion(doc, source);
  const jobs: JobInfo[] = [];
  arrayField(doc, 'jobs', source).forEach((j, i) => {
    const job = parseJob(j, `${source}: jobs[${i}]`);
    if (keep.has(job.state)) jobs.push(job);
  });
  return { version, jobs };
}

function parseJob(j: unknown, source: string): JobInfo {
  if (!isObject(j)) throw new ParseError(source, 'job is not an object');
  const id = num(j['job_id']);
  if (id === undefined) throw new ParseError(source, 'job without "job_id"');
  const jobid = String(id);
  // 22.05/23.02: "job_state": "RUNNING"; 23.11+: ["RUNNING", "COMPLETING", ...flags].
  const stateWords = states(j['job_state']);
  const state = stateWords.includes('COMPLETING') ? 'COMPLETING' : (stateWords[0] ?? 'UNKNOWN');
  const arrayJob = num(j['array_job_id']);
  const arrayTask = num(j['array_task_id']);
  const hetJob = num(j['het_job_id']);
  const hetOffset = num(j['het_job_offset']);
  const isArray = arrayJob !== undefined && arrayJob > 0 && arrayTask !== undefined && arrayTask !== Infinity;
  const isHet = hetJob !== undefined && hetJob > 0 && hetOffset !== undefined;
  const nodes = expandHostlist(str(j['nodes']), source);
  const tres = parseTres(str(j['tres_alloc_str']));
  const gpu = jobGpus(j, tres, nodes.length);
  const perNode = num(j['memory_per_node']);
  const cpus = num(j['cpus']) ?? tres.get('cpu') ?? 0;
  const memory = tres.get('mem') ?? (perNode === undefined ? 0 : perNode * MEBI * Math.max(1, nodes.length));
  const start = num(j['start_time']);
  const startMs = start === undefined || start === 0 || start === Infinity ? undefined : start * 1000;
  const limitMin = num(j['time_limit']);
  const limitSeconds = limitMin === undefined || limitMin === Infinity ? undefined : limitMin * 60;
  // "end_time": a number (22.05, 23.02) or {set, infinite, number} (23.11+), read as start_time is.
  const end = num(j['end_time']);
  const endMs = jobEndTimeMs({ endMs: end === undefined ? undefined : end * 1000, startMs, limitSeconds });
  const uid = num(j['user_id']);
  const qos = str(j['qos']);
  // "batch_host": the node running the batch script, "" for a job without one (22.05–25.05 alike).
  const batchHost = str(j['batch_host']);
  return {
    jobid,
    displayId: isArray ? `${arrayJob}_${arrayTask}` : isHet ? `${hetJob}+${hetOffset}` : jobid,
    ...(isArray ? { arrayJobId: String(arrayJob), arrayTaskId: String(arrayTask) } : {}),
    ...(isHet ? { hetJobId: String(hetJob), hetJobOffset: hetOffset } : {}),
    user: str(j['user_name']),
    ...(uid === undefined ? {} : { uid }),
    account: str(j['account']),
    partition: str(j['partition']),
    ...(qos === '' ? {} : { qos }),
    state,
    nodes,
    cpus,
    memoryBytes: memory,
    gpus: gpu.total,
    gpusByType: gpu.byType,
    ...(startMs === undefined ? {} : { startTimeMs: startMs }),
    ...(limitSeconds === undefined ? {} : { timeLimitSeconds: limitSeconds }),
    ...(endMs === undefined ? {} : { endTimeMs: endMs }),
    ...(batchHost === '' ? {} : { batchHost }),
  };
}

type Gpus = { total: number; byType: Record<string, number> };

const GRES_PREFIX = /gres[:/]/g;

/**
 * A job's allocated GPUs. `tres_alloc_str` lists them only where `AccountingStorageTRES` names
 * `gres/gpu` (not the default), so without them this reads `gres_detail` (one string per node,
 * as every release writes it: `gpu:a100:2(IDX:0-1)`), else the request: `tres_per_node` × nodes,
 * `tres_per_job`, `tres_per_task` × tasks (`gres:gpu:2` in 22.05/23.02, `gres/gpu:a100:2` after).
 */
function jobGpus(j: JsonObject, tres: ReadonlyMap<string, number>, nodeCount: number): Gpus {
  const fromTres = gpusFromTres(tres);
  if (fromTres.total > 0) return fromTres;
  const detail = Array.isArray(j['gres_detail'])
    ? j['gres_detail'].filter((d): d is string => typeof d === 'string')
    : [];
  const allocated = sumGpus(detail.join(','), 1);
  if (allocated.total > 0) return allocated;
  const nodes = Math.max(1, nodeCount, num(j['node_count']) ?? 0);
  const requests: Array<[unknown, number]> = [
    [j['tres_per_node'], nodes],
    [j['tres_per_job'], 1],
    [j['tres_per_task'], num(j['tasks']) ?? 1],
  ];
  for (const [text, factor] of requests) {
    const requested = sumGpus(str(text).replace(GRES_PREFIX, ''), factor);
    if (requested.total > 0) return requested;
  }
  return fromTres;
}

function sumGpus(gres: string, factor: number): Gpus {
  const byType: Record<string, number> = {};
  let total = 0;
  for (const g of parseGres(gres)) {
    if (g.name !== 'gpu') continue;
    byType[g.type] = (byType[g.type] ?? 0) + g.count * factor;
    total += g.count * factor;
  }
  return { total, byType };
}
