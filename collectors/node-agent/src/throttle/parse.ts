import { ParseError } from '@slurmscope/common';
import { parseCpuList } from '../parse/cgroup.js';

/*
 * Pure parsers of the cpufreq and topology files (Documentation/admin-guide/pm/cpufreq.rst,
 * Documentation/ABI/stable/sysfs-devices-system-cpu). Each takes the text and the path it came
 * from, and throws ParseError naming both when the text is not what the kernel writes.
 */

const KHZ = /^\d{1,10}$/;
const GOVERNOR = /^[a-z][a-z0-9_-]*$/;
const CPU_DIR = /^cpu(\d{1,5})$/;

/** Parses a frequency file (`scaling_max_freq`, `cpuinfo_min_freq`, …): one integer in kHz. */
export function parseKHz(text: string, source: string): number {
  const t = text.trim();
  if (!KHZ.test(t)) throw new ParseError(source, 'expected a frequency in kHz', t);
  const v = Number(t);
  if (v <= 0) throw new ParseError(source, 'frequency must be positive', t);
  return v;
}

/** Parses `scaling_governor`: one governor name. */
export function parseGovernor(text: string, source: string): string {
  const t = text.trim();
  if (!GOVERNOR.test(t)) throw new ParseError(source, 'expected a governor name', t);
  return t;
}

/** Parses `scaling_available_governors`: names separated by spaces. */
export function parseGovernorList(text: string, source: string): string[] {
  const names = text
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '');
  if (names.length === 0) throw new ParseError(source, 'no governors listed', text);
  for (const n of names) if (!GOVERNOR.test(n)) throw new ParseError(source, 'bad governor name', n);
  return names;
}

/** Parses `cpu<N>/online`: "1" online, "0" offline. */
export function parseOnline(text: string, source: string): boolean {
  const t = text.trim();
  if (t === '1') return true;
  if (t === '0') return false;
  throw new ParseError(source, 'expected 0 or 1', t);
}

/** Parses `thread_siblings_list` ("0,4", "0-1", "2-3,6-7"): a kernel CPU list that is never empty. */
export function parseSiblingList(text: string, source: string): number[] {
  if (text.trim() === '') throw new ParseError(source, 'empty CPU list', text);
  return parseCpuList(text, source);
}

/** The CPU number of a `cpu<N>` directory name, else undefined (cpufreq, cpuidle, online, …). */
export function parseCpuDirName(name: string): number | undefined {
  const m = CPU_DIR.exec(name);
  return m ? Number(m[1]) : undefined;
}
