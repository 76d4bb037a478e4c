import { closeSync, constants, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isNotFound } from '@slurmscope/common';
import { FileTooLargeError, readText } from '../collectors/fs.js';
import { parseCpuDirName, parseGovernor, parseGovernorList, parseKHz, parseOnline, parseSiblingList } from './parse.js';

/*
 * Reading and writing one CPU's cpufreq policy under `<root>/sys/devices/system/cpu/cpu<N>/`
 * (Documentation/admin-guide/pm/cpufreq.rst). `cpu<N>/cpufreq` is a link to `cpufreq/policy<M>`;
 * it is absent while the CPU is offline or when no cpufreq driver is loaded. Synchronous on
 * purpose, like the other sysfs readers: these are in-memory kernel files.
 */

/** A sysfs file that could not be read or written; `path` names it, `code` is the errno code. */
export class CpufreqError extends Error {
  override readonly name = 'CpufreqError';
  constructor(
    readonly path: string,
    readonly action: 'read' | 'write' | 'list',
    readonly code: string,
    detail: string,
  ) {
    super(`${path}: cannot ${action} (${detail})`);
  }
}

/** True when an error means the CPU or its cpufreq policy vanished (offlined, driver unloaded). */
export function isVanished(err: unknown): boolean {
  return err instanceof CpufreqError && (err.code === 'ENOENT' || err.code === 'ENOTDIR');
}

/** The cpufreq files the throttler changes. */
export type CpufreqFile = 'scaling_max_freq' | 'scaling_min_freq' | 'scaling_governor';

/** One CPU's cpufreq policy as read now. Frequencies in kHz. */
export interface CoreFreq {
  readonly cpu: number;
  /** `cpuinfo_min_freq`: the hardware minimum. */
  readonly hwMinKHz: number;
  /** `cpuinfo_max_freq`: the hardware maximum. */
  readonly hwMaxKHz: number;
  /** `scaling_max_freq`: the current cap (a site may cap below the hardware maximum). */
  readonly maxKHz: number;
  /** `scaling_min_freq`. */
  readonly minKHz: number;
  /** `scaling_governor`. */
  readonly governor: string;
  /** `scaling_available_governors`. */
  readonly governors: readonly string[];
}

/** The `cpu` directory of the sysfs tree under `root`. */
export function cpuBase(root: string): string {
  return join(root, 'sys/devices/system/cpu');
}

/** The directory of CPU `cpu`. */
export function cpuDir(root: string, cpu: number): string {
  return join(cpuBase(root), `cpu${cpu}`);
}

function cpufreqPath(root: string, cpu: number, file: string): string {
  return join(cpuDir(root, cpu), 'cpufreq', file);
}

function errnoOf(err: unknown): { code: string; detail: string } {
  if (err instanceof FileTooLargeError) return { code: 'EFBIG', detail: `larger than ${err.maxBytes} bytes` };
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? 'EUNKNOWN';
  return { code, detail: e instanceof Error ? e.message.replace(/, (open|read|write) '.*'$/, '') : String(err) };
}

/**
 * Reads one sysfs file as text, bounded like every agent read (`readText`: a file that is not what
 * it should be, e.g. under a test root, must not take the agent's memory); failures, an oversized
 * file among them (code EFBIG), become CpufreqError naming the path.
 */
export function readSysfs(path: string): string {
  try {
    return readText(path);
  } catch (err) {
    const { code, detail } = errnoOf(err);
    throw new CpufreqError(path, 'read', code, detail);
  }
}

/**
 * Writes one sysfs attribute. Opened write-only without O_CREAT: a missing attribute is an
 * error, never a new file (sysfs ignores O_TRUNC; the fixture tree needs it).
 */
export function writeSysfs(path: string, value: string): void {
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
    try {
      writeSync(fd, value);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const { code, detail } = errnoOf(err);
    throw new CpufreqError(path, 'write', code, detail);
  }
}

/** Lists the CPU numbers that have a `cpu<N>` directory, sorted. */
export function listCpus(root: string): number[] {
  const base = cpuBase(root);
  let names: string[];
  try {
    names = readdirSync(base);
  } catch (err) {
    const { code, detail } = errnoOf(err);
    throw new CpufreqError(base, 'list', code, detail);
  }
  const cpus: number[] = [];
  for (const name of names) {
    const n = parseCpuDirName(name);
    if (n !== undefined) cpus.push(n);
  }
  return cpus.sort((a, b) => a - b);
}

/** Whether CPU `cpu` is online; a CPU without an `online` file (often cpu0) cannot go offline. */
export function readOnline(root: string, cpu: number): boolean {
  const path = join(cpuDir(root, cpu), 'online');
  let text: string;
  try {
    text = readText(path);
  } catch (err) {
    if (isNotFound(err)) return true;
    const { code, detail } = errnoOf(err);
    throw new CpufreqError(path, 'read', code, detail);
  }
  return parseOnline(text, path);
}

/** Whether CPU `cpu` has a cpufreq policy (driver loaded, CPU online). */
export function hasCpufreq(root: string, cpu: number): boolean {
  try {
    readdirSync(join(cpuDir(root, cpu), 'cpufreq'));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    const { code, detail } = errnoOf(err);
    throw new CpufreqError(join(cpuDir(root, cpu), 'cpufreq'), 'list', code, detail);
  }
}

/** The hardware threads sharing CPU `cpu`'s physical core (`topology/thread_siblings_list`), itself included. */
export function readSiblings(root: string, cpu: number): number[] {
  const path = join(cpuDir(root, cpu), 'topology/thread_siblings_list');
  return parseSiblingList(readSysfs(path), path);
}

/** Reads CPU `cpu`'s cpufreq policy. Throws CpufreqError (I/O) or ParseError (content), naming the file. */
export function readCoreFreq(root: string, cpu: number): CoreFreq {
  const khz = (file: string): number => {
    const path = cpufreqPath(root, cpu, file);
    return parseKHz(readSysfs(path), path);
  };
  const governorPath = cpufreqPath(root, cpu, 'scaling_governor');
  const governorsPath = cpufreqPath(root, cpu, 'scaling_available_governors');
  return {
    cpu,
    hwMinKHz: khz('cpuinfo_min_freq'),
    hwMaxKHz: khz('cpuinfo_max_freq'),
    maxKHz: khz('scaling_max_freq'),
    minKHz: khz('scaling_min_freq'),
    governor: parseGovernor(readSysfs(governorPath), governorPath),
    governors: parseGovernorList(readSysfs(governorsPath), governorsPath),
  };
}

/** Writes one cpufreq attribute of CPU `cpu`. */
export function writeCpufreq(root: string, cpu: number, file: CpufreqFile, value: string | number): void {
  writeSysfs(cpufreqPath(root, cpu, file), String(value));
}
