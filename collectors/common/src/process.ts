import { readdirSync, readFileSync } from 'node:fs';
import { isNotFound } from './errors.js';

/** State and process group of `pid` from /proc/<pid>/stat, or undefined when it is gone. */
function procStat(pid: number | string): { state: string; pgrp: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing parenthesis.
  const [state = '', , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state, pgrp: Number(pgrp) };
}

/**
 * True while `pid` runs: its /proc entry exists and is not a zombie (a killed process stays a
 * zombie until its parent, or a late-reaping init, collects it).
 */
export function processRunning(pid: number): boolean {
  const s = procStat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** Pids of the running (not zombie) members of process group `pgid`, from /proc. */
export function processGroupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(name); // undefined: ended while listed
    if (s !== undefined && s.pgrp === pgid && s.state !== 'Z') out.push(Number(name));
  }
  return out;
}
