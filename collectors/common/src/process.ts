import { readFileSync } from 'node:fs';
import { isNotFound } from './errors.js';

/**
 * True while `pid` runs: its /proc entry exists and is not a zombie (a killed process stays a
 * zombie until its parent, or a late-reaping init, collects it).
 */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
