import { ParseError } from '@slurmscope/common';
import { expandHostlist } from '../hostlist.js';
import type { JobInfo } from '../types.js';
import { gpusFromTres, jobEndTimeMs, parseGres, parseMemoryBytes, parseSlurmDuration, parseTres } from './units.js';

/**
 * The `squeue -O` fields ctld reads, in output order. No free-text field (job name, comment)
 * is among them, so the separator `|` cannot occur inside a value. A new field goes last, so
 * the others keep their positions (the bench's synthetic squeue text writes them in this order).
 */
export const SQUEUE_FIELDS = [
  'JobID',
  'ArrayJobID',
  'ArrayTaskID',
  'HetJobID',
  'HetJobOffset',
  'UserName',
  'UserID',
  'Account',
  'Partition',
  'QOS',
  'StateCompact',
  'NumNodes',
  'NodeList',
  'NumCPUs',
  'NumTasks',
  'MinMemory',
  'tres-alloc',
  'tres-per-node',
  'tres-per-job',
  'tres-per-task',
  'StartTime',
  'TimeLimit',
  // The node that runs the batch script (prints "n/a" for a job without one, e.g. pending).
  'BatchHost',
  // Start + time limit as slurmctld keeps it; "NONE" for UNLIMITED, "N/A" when unset.
  'EndTime',
] as const;

/** The separator after each field (squeue's `type:size suffix` syntax; size 0 = no padding). */
export const SQUEUE_SEPARATOR = '|';

/** The `squeue` arguments of the running-jobs query (RUNNING and COMPLETING only). */
export function squeueRunningArgs(): string[] {
  const format = SQUEUE_FIELDS.map((f) => `${f}:0${SQUEUE_SEPARATOR}`).join(',');
  return ['-h', '-t', 'RUNNING,COMPLETING', '-O', format];
}

const STATE_CODES: Readonly<Record<string, string>> = {
  R: 'RUNNING',
  CG: 'COMPLETING',
  PD: 'PENDING',
  S: 'SUSPENDED',
  ST: 'STOPPED',
  CF: 'CONFIGURING',
  RS: 'RESIZING',
  RQ: 'REQUEUED',
  RH: 'REQUEUE_HOLD',
  RF: 'REQUEUE_FED',
  SE: 'SPECIAL_EXIT',
  SO: 'STAGE_OUT',
  RD: 'RESV_DEL_HOLD',
  SI: 'SIGNALING',
};

const DIGITS = /^\d+$/;
const GRES_PREFIX = /gres[:/]/g;
const EQUALS = /=/g;

const I = Object.fromEntries(SQUEUE_FIELDS.map((f, i) => [f, i])) as Record<(typeof SQUEUE_FIELDS)[number], number>;

/** Parses the output of `squeue` with {@link squeueRunningArgs} into jobs; a malformed line is an error naming it. */
export function parseSqueue(text: string, source = 'squeue'): JobInfo[] {
  const jobs: JobInfo[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    jobs.push(parseLine(line, source));
  }
  return jobs;
}

function parseLine(line: string, source: string): JobInfo {
  const f = line.split(SQUEUE_SEPARATOR);
  // Every field ends with the separator, so a full line splits into fields + 1 (a trailing "").
  if (f.length !== SQUEUE_FIELDS.length + 1 || f[f.length - 1] !== '') {
    throw new ParseError(source, `expected ${SQUEUE_FIELDS.length} fields, got ${f.length - 1}`, line);
  }
  const get = (k: (typeof SQUEUE_FIELDS)[number]): string => f[I[k]] ?? '';
  const jobid = get('JobID');
  if (!DIGITS.test(jobid)) throw new ParseError(source, 'job id is not a number', line);
  const arrayJobId = optional(get('ArrayJobID'));
  const arrayTaskId = optional(get('ArrayTaskID'));
  const hetJobId = optional(get('HetJobID'));
  const hetOffset = optional(get('HetJobOffset'));
  const nodeCount = toInt(get('NumNodes'), 'NumNodes', line, source);
  const cpus = toInt(get('NumCPUs'), 'NumCPUs', line, source);
  const nodes = expandHostlist(get('NodeList'), source);
  const tres = parseTres(get('tres-alloc'));
  let gpu = gpusFromTres(tres);
  if (gpu.total === 0) gpu = gpusFromRequest(get, Math.max(nodeCount, nodes.length), line, source);
  const memPerNode = parseMemoryBytes(get('MinMemory'));
  const memoryBytes = tres.get('mem') ?? (memPerNode ?? 0) * Math.max(1, nodes.length);
  const code = get('StateCompact');
  const startMs = timeMs(get('StartTime'));
  const limit = parseSlurmDuration(get('TimeLimit'));
  const endMs = jobEndTimeMs({ endMs: timeMs(get('EndTime')), startMs, limitSeconds: limit });
  const uid = optional(get('UserID'));
  const batchHost = optional(get('BatchHost'));
  // The last task of an array keeps the array's id as its own job id: the task id decides.
  const isArrayTask = arrayJobId !== undefined && arrayTaskId !== undefined;
  const hetOffsetNum = hetOffset === undefined ? undefined : Number(hetOffset);
  return {
    jobid,
    displayId: isArrayTask
      ? `${arrayJobId}_${arrayTaskId}`
      : hetJobId !== undefined && hetOffsetNum !== undefined
        ? `${hetJobId}+${hetOffsetNum}`
        : jobid,
    ...(isArrayTask ? { arrayJobId, arrayTaskId } : {}),
    ...(hetJobId !== undefined && hetOffsetNum !== undefined ? { hetJobId, hetJobOffset: hetOffsetNum } : {}),
    user: get('UserName'),
    ...(uid !== undefined && DIGITS.test(uid) ? { uid: Number(uid) } : {}),
    account: optional(get('Account')) ?? '',
    partition: get('Partition'),
    ...(optional(get('QOS')) === undefined ? {} : { qos: get('QOS') }),
    state: STATE_CODES[code] ?? code,
    nodes,
    cpus,
    memoryBytes,
    gpus: gpu.total,
    gpusByType: gpu.byType,
    ...(startMs === undefined ? {} : { startTimeMs: startMs }),
    ...(limit === undefined ? {} : { timeLimitSeconds: limit }),
    ...(endMs === undefined ? {} : { endTimeMs: endMs }),
    ...(batchHost === undefined ? {} : { batchHost }),
  };
}

/**
 * GPUs from the request when the allocated TRES do not list them (a site without
 * `AccountingStorageTRES=gres/gpu`): per node × nodes, else per job, else per task × tasks.
 */
function gpusFromRequest(
  get: (k: (typeof SQUEUE_FIELDS)[number]) => string,
  nodeCount: number,
  line: string,
  source: string,
): { total: number; byType: Record<string, number> } {
  const tasks = toInt(get('NumTasks'), 'NumTasks', line, source);
  const sources: Array<[string, number]> = [
    [get('tres-per-node'), nodeCount],
    [get('tres-per-job'), 1],
    [get('tres-per-task'), tasks],
  ];
  for (const [text, factor] of sources) {
    const byType: Record<string, number> = {};
    let total = 0;
    // Requests read "gres:gpu:a100:2" (22.05), "gres/gpu:a100:2" (23.11+ JSON) or, in some text
    // outputs, "gres/gpu:a100=2": the prefix goes and "=" becomes ":" so one parser reads all three.
    const normalized = text.replace(GRES_PREFIX, '').replace(EQUALS, ':');
    for (const g of parseGres(normalized)) {
      if (g.name !== 'gpu') continue;
      byType[g.type] = (byType[g.type] ?? 0) + g.count * factor;
      total += g.count * factor;
    }
    if (total > 0) return { total, byType };
  }
  return { total: 0, byType: {} };
}

// squeue prints N/A for most empty fields, but BatchHost's own printer writes "n/a".
function optional(s: string): string | undefined {
  return s === '' || s === 'N/A' || s === 'n/a' || s === '(null)' ? undefined : s;
}

// squeue prints times as local ISO without a zone (2026-11-25T03:10:04), Date.parse's local time;
// N/A, NONE, Unknown and anything else that is not a time give undefined.
function timeMs(s: string): number | undefined {
  const v = optional(s);
  const ms = v === undefined ? NaN : Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

function toInt(s: string, field: string, line: string, source: string): number {
  const n = Number(s);
  if (s === '' || !Number.isInteger(n) || n < 0) throw new ParseError(source, `${field} is not a count`, line);
  return n;
}
