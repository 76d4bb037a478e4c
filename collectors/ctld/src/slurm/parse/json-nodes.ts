import { ParseError } from '@slurmscope/common';
import type { NodeInfo } from '../types.js';
import {
  arrayField,
  detectSlurmVersion,
  isObject,
  num,
  parseJsonObject,
  states,
  str,
  type JsonVersion,
} from './json.js';
import { parseGres } from './units.js';

const MEBI = 1024 * 1024;

/** Base node states: every other word in a node's state is a flag. */
const BASE_STATES = new Set(['IDLE', 'MIXED', 'ALLOCATED', 'DOWN', 'ERROR', 'FUTURE', 'UNKNOWN']);

/** The nodes of one JSON document, with the release it came from. */
export interface ParsedNodes {
  readonly version: JsonVersion;
  readonly nodes: NodeInfo[];
}

/**
 * Parses nodes from `sinfo --json` (22.05: one record per node), `scontrol show nodes --json`
 * (23.02+) or slurmrestd's `/nodes`, of any supported release.
 */
export function parseNodesJson(text: string, source = 'nodes json'): ParsedNodes {
  const doc = parseJsonObject(text, source);
  const version = detectSlurmVersion(doc, source);
  const nodes = arrayField(doc, 'nodes', source).map((n, i) => parseNode(n, `${source}: nodes[${i}]`));
  return { version, nodes };
}

function parseNode(n: unknown, source: string): NodeInfo {
  if (!isObject(n)) throw new ParseError(source, 'node is not an object');
  const name = str(n['name']);
  if (name === '') throw new ParseError(source, 'node without a name');
  // 22.05: "state": "mixed" + "state_flags": ["DRAIN"]; 23.02+: "state": ["MIXED", "DRAIN"].
  const words = [...states(n['state']), ...states(n['state_flags'])];
  const base = words.find((w) => BASE_STATES.has(w)) ?? 'UNKNOWN';
  const flags = words.filter((w) => !BASE_STATES.has(w));
  const cpus = num(n['cpus']);
  if (cpus === undefined) throw new ParseError(source, `node ${name} without "cpus"`);
  const partitions = Array.isArray(n['partitions'])
    ? n['partitions'].filter((p): p is string => typeof p === 'string')
    : [];
  const reason = str(n['reason']);
  return {
    name,
    state: base,
    flags,
    partitions,
    cpus,
    allocCpus: num(n['alloc_cpus']) ?? 0,
    memoryBytes: (num(n['real_memory']) ?? 0) * MEBI,
    allocMemoryBytes: (num(n['alloc_memory']) ?? 0) * MEBI,
    gres: parseGres(str(n['gres'])),
    gresUsed: parseGres(str(n['gres_used'])),
    ...(reason === '' ? {} : { reason }),
  };
}
