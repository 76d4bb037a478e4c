/** ctld's node states (`/api/v1/availability` nodes[].state), plus `unknown` for anything else. */
export type NodeState =
  | 'idle'
  | 'mixed'
  | 'allocated'
  | 'down'
  | 'drain'
  | 'reserved'
  | 'powered_down'
  | 'planned'
  | 'completing'
  | 'unknown';

/** The states in the legend's order. */
export const NODE_STATES: readonly NodeState[] = [
  'idle',
  'mixed',
  'allocated',
  'completing',
  'planned',
  'reserved',
  'drain',
  'down',
  'powered_down',
  'unknown',
];

/** A state in words ("powered down"). */
export function stateWords(state: NodeState): string {
  return state.replace('_', ' ');
}

const ALIASES: Readonly<Record<string, NodeState>> = {
  idle: 'idle',
  mix: 'mixed',
  mixed: 'mixed',
  alloc: 'allocated',
  allocated: 'allocated',
  down: 'down',
  fail: 'down',
  failing: 'down',
  drain: 'drain',
  drained: 'drain',
  draining: 'drain',
  drng: 'drain',
  resv: 'reserved',
  reserved: 'reserved',
  maint: 'reserved',
  powered_down: 'powered_down',
  power_down: 'powered_down',
  powering_down: 'powered_down',
  powered_off: 'powered_down',
  plnd: 'planned',
  planned: 'planned',
  comp: 'completing',
  completing: 'completing',
};

// Of a compound state (Slurm's "IDLE+DRAIN", "MIXED+DRAIN", "DOWN+DRAIN", "IDLE+POWERED_DOWN"), the
// part that decides what the node can do: a drained idle node takes no jobs, so it is drain.
const PRIORITY: readonly NodeState[] = [
  'down',
  'drain',
  'powered_down',
  'reserved',
  'planned',
  'completing',
  'allocated',
  'mixed',
  'idle',
];

/**
 * A node state as one of ctld's: case and sinfo's flag suffixes ignored (`idle*`, `drain$`), `~`
 * (powered off) taken as powered_down, a compound state by its strongest part. Pure.
 */
export function normalizeState(raw: string): NodeState {
  const s = raw.trim().toLowerCase();
  if (s === '') {
    return 'unknown';
  }
  if (s.endsWith('~')) {
    return 'powered_down';
  }
  const parts = s
    .replace(/[*~#!%$@^-]+$/, '')
    .split('+')
    .map((p) => ALIASES[p.trim().replace(/[*~#!%$@^-]+$/, '')])
    .filter((p): p is NodeState => p !== undefined);
  for (const state of PRIORITY) {
    if (parts.includes(state)) {
      return state;
    }
  }
  return 'unknown';
}
