import { ConfigError, errorMessage, type CtldConfig } from '@slurmscope/common';
import type { Logger } from '@slurmscope/model';
import type { CommandRunner } from '../slurm/commands.js';
import { LocalArchive } from './archive.js';
import type { ReportArchive } from './types.js';

/** What {@link openArchive} needs. */
export interface ArchiveSetup {
  readonly config: CtldConfig;
  readonly log: Logger;
  readonly cluster: string;
}

/** The local archive of `reports.dir`, its files in `reports.adminGroup`. */
export async function openArchive(opts: ArchiveSetup, run: CommandRunner): Promise<ReportArchive> {
  const { config, log } = opts;
  const gid = await resolveGroup(config.reports.adminGroup, run, config.slurm.timeout);
  return LocalArchive.open({
    dir: config.reports.dir,
    cluster: opts.cluster,
    log,
    ...(gid === undefined ? {} : { gid }),
  });
}

/** The gid of `reports.adminGroup` (a gid, or a name resolved with `getent group`). */
export async function resolveGroup(
  group: string | undefined,
  run: CommandRunner,
  timeoutMs: number,
): Promise<number | undefined> {
  if (group === undefined) return undefined;
  if (/^\d+$/.test(group)) return Number(group);
  try {
    const r = await run('getent', ['group', group], { timeoutMs, maxBytes: 1024 * 1024 });
    const gid = Number(r.stdout.split(':')[2]);
    if (!Number.isInteger(gid)) throw new Error(`unexpected getent output ${JSON.stringify(r.stdout.slice(0, 80))}`);
    return gid;
  } catch (err) {
    throw new ConfigError('(config)', 'reports.adminGroup', `cannot resolve group "${group}": ${errorMessage(err)}`);
  }
}
