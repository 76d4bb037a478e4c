import { ParseError } from '@slurmscope/common';

/**
 * Pure parsers of `nvidia-smi --query-gpu` / `--query-compute-apps` CSV
 * (`--format=csv,noheader,nounits`) and of the driver's `proc/driver/nvidia/gpus/<bus>/information`.
 * Values are parsed by the field names we ask for, so the order lives in one constant.
 */

/** The fields the agent asks `--query-gpu` for, in output order. */
export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'pci.bus_id',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'power.draw',
] as const;

/** The fields the agent asks `--query-compute-apps` for, in output order. */
export const COMPUTE_APPS_FIELDS = ['gpu_uuid', 'pid', 'used_memory'] as const;

/** Arguments of the GPU query; with `loopMs` nvidia-smi stays running and prints a block per period. */
export function gpuQueryArgs(loopMs?: number): string[] {
  const args = [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
  return loopMs === undefined ? args : [...args, `--loop-ms=${loopMs}`];
}

/** Arguments of the one-shot compute-apps query. */
export function computeAppsArgs(): string[] {
  return [`--query-compute-apps=${COMPUTE_APPS_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
}

/** One GPU as nvidia-smi reports it, in base units; a value the GPU does not report is absent. */
export interface GpuReading {
  /** nvidia-smi's index (PCI bus order; not Slurm's number). */
  readonly index: number;
  readonly uuid: string;
  /** Canonical PCI address "0000:07:00.0" (lower case, 4-digit domain), as the driver's /proc uses. */
  readonly pciBusId: string;
  readonly name: string;
  /** Device minor number (/dev/nvidia<minor>), filled in from the driver's information file. */
  readonly minor?: number;
  /** Fraction of time a kernel ran, 0..1. */
  readonly utilization?: number;
  readonly memoryUsedBytes?: number;
  readonly memoryTotalBytes?: number;
  readonly powerWatts?: number;
}

/** One process on a GPU (from `--query-compute-apps`). */
export interface ComputeApp {
  readonly gpuUuid: string;
  readonly pid: number;
  readonly usedMemoryBytes?: number;
}

const MIB = 1024 * 1024;
const NUMBER = /^(-?\d+(?:\.\d+)?)(?: ?(?:%|MiB|W))?$/;
const UUID = /^(?:GPU|MIG)-[0-9A-Za-z-]+$/;
const BUS_ID = /^([0-9A-Fa-f]{4,8}):([0-9A-Fa-f]{2}):([0-9A-Fa-f]{2})\.([0-7])$/;
const INFO_LINE = /^([^:]+):\s*(.*)$/;
const ABSENT = new Set([
  '[N/A]',
  'N/A',
  '[Not Supported]',
  '[Unknown Error]',
  '[GPU is lost]',
  '[Insufficient Permissions]',
]);

/** True for nvidia-smi's markers of a value the GPU does not report. */
export function isAbsent(cell: string): boolean {
  return ABSENT.has(cell);
}

/** Canonical PCI address: nvidia-smi's "00000000:07:00.0" → "0000:07:00.0"; undefined if malformed. */
export function normalizePciBusId(id: string): string | undefined {
  const m = BUS_ID.exec(id.trim());
  if (!m) return undefined;
  const domain = (m[1] as string).slice(-4).toLowerCase();
  return `${domain}:${(m[2] as string).toLowerCase()}:${(m[3] as string).toLowerCase()}.${m[4] as string}`;
}

/** Splits one CSV row into the named fields; surplus cells (a comma inside a name) join the name. */
export function splitRow(line: string, fields: readonly string[], source: string): Map<string, string> {
  let cells = line.split(',').map((c) => c.trim());
  const nameAt = fields.indexOf('name');
  if (cells.length > fields.length && nameAt >= 0) {
    const extra = cells.length - fields.length;
    const name = cells.slice(nameAt, nameAt + extra + 1).join(', ');
    cells = [...cells.slice(0, nameAt), name, ...cells.slice(nameAt + extra + 1)];
  }
  if (cells.length !== fields.length) {
    throw new ParseError(source, `expected ${fields.length} fields, got ${cells.length}`, line);
  }
  return new Map(fields.map((f, i) => [f, cells[i] as string]));
}

/** A numeric cell (units tolerated), or undefined for [N/A]-style markers. */
function optionalNumber(cell: string, field: string, line: string, source: string): number | undefined {
  if (isAbsent(cell)) return undefined;
  const m = NUMBER.exec(cell);
  if (!m) throw new ParseError(source, `field ${field}: not a number`, line);
  return Number(m[1]);
}

function requiredNumber(cell: string, field: string, line: string, source: string): number {
  const v = optionalNumber(cell, field, line, source);
  if (v === undefined || !Number.isInteger(v) || v < 0) throw new ParseError(source, `field ${field}: required`, line);
  return v;
}

/** Parses one `--query-gpu` row (fields as in GPU_QUERY_FIELDS). */
export function parseGpuLine(line: string, source: string): GpuReading {
  const row = splitRow(line, GPU_QUERY_FIELDS, source);
  const cell = (f: (typeof GPU_QUERY_FIELDS)[number]): string => row.get(f) as string;
  const uuid = cell('uuid');
  if (!UUID.test(uuid)) throw new ParseError(source, 'field uuid: not a GPU UUID', line);
  const pciBusId = normalizePciBusId(cell('pci.bus_id'));
  if (pciBusId === undefined) throw new ParseError(source, 'field pci.bus_id: not a PCI address', line);
  const util = optionalNumber(cell('utilization.gpu'), 'utilization.gpu', line, source);
  const used = optionalNumber(cell('memory.used'), 'memory.used', line, source);
  const total = optionalNumber(cell('memory.total'), 'memory.total', line, source);
  const power = optionalNumber(cell('power.draw'), 'power.draw', line, source);
  return {
    index: requiredNumber(cell('index'), 'index', line, source),
    uuid,
    pciBusId,
    name: cell('name'),
    ...(util === undefined ? {} : { utilization: util / 100 }),
    ...(used === undefined ? {} : { memoryUsedBytes: used * MIB }),
    ...(total === undefined ? {} : { memoryTotalBytes: total * MIB }),
    ...(power === undefined ? {} : { powerWatts: power }),
  };
}

/** Parses a whole `--query-gpu` output (one row per GPU; blank lines ignored). */
export function parseGpuQuery(text: string, source: string): GpuReading[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => parseGpuLine(l.replace(/\r$/, ''), source));
}

/** Parses a `--query-compute-apps` output (fields as in COMPUTE_APPS_FIELDS; empty when no process). */
export function parseComputeApps(text: string, source: string): ComputeApp[] {
  const apps: ComputeApp[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('No running')) continue;
    const row = splitRow(line, COMPUTE_APPS_FIELDS, source);
    const gpuUuid = row.get('gpu_uuid') as string;
    if (!UUID.test(gpuUuid)) throw new ParseError(source, 'field gpu_uuid: not a GPU UUID', line);
    const pid = requiredNumber(row.get('pid') as string, 'pid', line, source);
    const mem = optionalNumber(row.get('used_memory') as string, 'used_memory', line, source);
    apps.push({ gpuUuid, pid, ...(mem === undefined ? {} : { usedMemoryBytes: mem * MIB }) });
  }
  return apps;
}

/** What the driver's `information` file says about one GPU. */
export interface NvidiaGpuInfo {
  readonly minor: number;
  readonly pciBusId?: string;
  readonly uuid?: string;
  readonly model?: string;
}

/**
 * Parses `proc/driver/nvidia/gpus/<bus>/information` ("Device Minor: \t 0" etc., printed by
 * kernel-open/nvidia/nv-procfs.c). The minor number is required; the rest is kept when present.
 */
export function parseNvidiaInformation(text: string, source: string): NvidiaGpuInfo {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = INFO_LINE.exec(line);
    if (m) kv.set((m[1] as string).trim(), (m[2] as string).trim());
  }
  const minorText = kv.get('Device Minor');
  if (minorText === undefined || !/^\d+$/.test(minorText)) {
    throw new ParseError(source, 'no valid "Device Minor" line', minorText);
  }
  const bus = kv.get('Bus Location');
  const pciBusId = bus === undefined ? undefined : normalizePciBusId(bus);
  const uuid = kv.get('GPU UUID');
  const model = kv.get('Model');
  return {
    minor: Number(minorText),
    ...(pciBusId === undefined ? {} : { pciBusId }),
    ...(uuid === undefined ? {} : { uuid }),
    ...(model === undefined ? {} : { model }),
  };
}
