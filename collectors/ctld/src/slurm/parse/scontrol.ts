import { ParseError } from '@slurmscope/common';
import { expandHostlist } from '../hostlist.js';
import type { PartitionInfo, SdiagInfo, SlurmConfig } from '../types.js';
import { parseSlurmDuration } from './units.js';

/**
 * Splits one `scontrol show ... -o` line into its `Key=Value` pairs. Values run to the next
 * ` Key=`; a value may itself contain `=` (TRES=cpu=8,mem=8000M) or spaces.
 */
export function parseKeyValueLine(line: string): Map<string, string> {
  const out = new Map<string, string>();
  const tokens = line.trim().split(' ');
  let key: string | undefined;
  let value = '';
  for (const token of tokens) {
    const eq = token.indexOf('=');
    if (eq > 0 && isKey(token.slice(0, eq))) {
      if (key !== undefined) out.set(key, value);
      key = token.slice(0, eq);
      value = token.slice(eq + 1);
    } else if (key !== undefined) {
      value += ` ${token}`;
    }
  }
  if (key !== undefined) out.set(key, value);
  return out;
}

function isKey(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 47 || c === 58;
    if (!ok) return false;
  }
  return true;
}

/** Parses `scontrol show partition -o` (one partition per line). */
export function parsePartitions(text: string, source = 'scontrol show partition'): PartitionInfo[] {
  const out: PartitionInfo[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const kv = parseKeyValueLine(line);
    const name = kv.get('PartitionName');
    if (name === undefined || name === '') throw new ParseError(source, 'line without PartitionName', line);
    const tier = Number(kv.get('PriorityTier') ?? '1');
    if (!Number.isInteger(tier)) throw new ParseError(source, 'PriorityTier is not an integer', line);
    const state = kv.get('State');
    if (state === undefined) throw new ParseError(source, 'line without State', line);
    out.push({
      name,
      state,
      nodes: expandHostlist(kv.get('Nodes') ?? '', source),
      priorityTier: tier,
      preemptMode: kv.get('PreemptMode') ?? 'OFF',
      isDefault: kv.get('Default') === 'YES',
    });
  }
  return out;
}

/** Parses the `Key = Value` lines of `scontrol show config` into a map (keys as Slurm prints them). */
export function parseConfigText(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf(' = ');
    if (eq <= 0) continue;
    out.set(line.slice(0, eq).trim(), line.slice(eq + 3).trim());
  }
  return out;
}

/** The values of `scontrol show config` that ctld uses; missing preemption keys mean preemption is off. */
export function parseSlurmConfig(text: string, source = 'scontrol show config'): SlurmConfig {
  const kv = parseConfigText(text);
  if (kv.size === 0) throw new ParseError(source, 'no "Key = Value" lines', text.slice(0, 120));
  const exempt = kv.get('PreemptExemptTime') ?? '00:00:00';
  const exemptSeconds = parseSlurmDuration(exempt);
  if (exemptSeconds === undefined && exempt !== 'NONE' && exempt !== 'N/A') {
    throw new ParseError(source, 'PreemptExemptTime is not a duration', exempt);
  }
  const cluster = kv.get('ClusterName');
  return {
    ...(cluster === undefined ? {} : { clusterName: cluster }),
    preempt: {
      type: kv.get('PreemptType') ?? 'preempt/none',
      mode: kv.get('PreemptMode') ?? 'OFF',
      exemptTimeSeconds: exemptSeconds ?? 0,
    },
  };
}

const RPC_LINE = /^\s*([A-Z][A-Z0-9_]+)\s+\(\s*\d+\)\s+count:(\d+)/;
const JOB_STATES_TS = /\((\d+)\)\s*$/;

/**
 * Parses `sdiag`: the job counts (as of "Job states ts", refreshed by slurmctld itself) and the
 * per-message-type RPC counters ("Remote Procedure Call statistics by message type").
 */
export function parseSdiag(text: string, source = 'sdiag'): SdiagInfo {
  const rpcs: Record<string, number> = {};
  let jobsPending: number | undefined;
  let jobsRunning: number | undefined;
  let jobStatesMs: number | undefined;
  let inTypes = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('Jobs pending:')) jobsPending = count(line, source);
    else if (line.startsWith('Jobs running:')) jobsRunning = count(line, source);
    else if (line.startsWith('Job states ts:')) {
      const m = JOB_STATES_TS.exec(line);
      if (m?.[1] !== undefined) jobStatesMs = Number(m[1]) * 1000;
    } else if (line.startsWith('Remote Procedure Call statistics by message type')) inTypes = true;
    else if (line.startsWith('Remote Procedure Call statistics by user')) inTypes = false;
    else if (inTypes) {
      const m = RPC_LINE.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) rpcs[m[1]] = Number(m[2]);
    }
  }
  if (jobsPending === undefined && Object.keys(rpcs).length === 0) {
    throw new ParseError(source, 'neither "Jobs pending:" nor RPC statistics found', text.slice(0, 120));
  }
  return {
    ...(jobsPending === undefined ? {} : { jobsPending }),
    ...(jobsRunning === undefined ? {} : { jobsRunning }),
    ...(jobStatesMs === undefined ? {} : { jobStatesMs }),
    rpcs,
  };
}

function count(line: string, source: string): number {
  const n = Number(line.slice(line.indexOf(':') + 1).trim());
  if (!Number.isInteger(n) || n < 0) throw new ParseError(source, 'count is not a non-negative integer', line);
  return n;
}
