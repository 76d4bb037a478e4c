import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { errorMessage, isNotFound, runCommand, type CtldConfig } from '@slurmscope/common';
import type { JobReport } from '@slurmscope/ctld';
import { runAction, setup, UsageError } from '../run.js';

interface ReportFlags {
  config?: string;
  json?: boolean;
  compare?: boolean;
}

/** `slurmscope report`: print a job's report from ctld's archive. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description("print a finished job's report (script, resources, energy, CO2, findings)")
    .argument('[jobids...]', 'job id (raw id, array "1234_5" or het "1234+1"); two ids with --compare')
    .option(
      '-c, --config <file>',
      'ctld config file (else $SLURMSCOPE_CONFIG, else /etc/slurmscope/ctld.yaml, else defaults)',
    )
    .option('--json', 'print the report as JSON')
    .option('--compare', 'set two reports side by side')
    .addHelpText(
      'after',
      '\nReads <reports.dir>/<cluster>/ directly when the file is readable (the job owner and admins);\n' +
        'otherwise, with SLURMSCOPE_CTLD_URL set, asks ctld with a Slurm JWT from `scontrol token`.',
    )
    .action((jobids: string[], flags: ReportFlags) =>
      runAction('report', async () => {
        // Loaded here, not at start-up: the agent's process, which shares this CLI, never needs it.
        const ctld = await import('@slurmscope/ctld');
        const { formatComparison, formatReportText, isJobId } = ctld;
        const { config } = setup('ctld', 'report', flags.config);
        const want = flags.compare ? 2 : 1;
        if (jobids.length !== want) {
          throw new UsageError(flags.compare ? '--compare needs exactly two job ids' : 'give exactly one job id');
        }
        for (const id of jobids) {
          if (!isJobId(id)) throw new UsageError(`"${id.slice(0, 40)}" is not a job id (1234, 1234_5 or 1234+1)`);
        }
        const reports: JobReport[] = [];
        for (const id of jobids) reports.push(await loadReport(ctld, config, id, process.env));
        const [a, b] = reports;
        if (a === undefined) return;
        if (b !== undefined)
          process.stdout.write(flags.json ? `${JSON.stringify([a, b], null, 2)}\n` : formatComparison(a, b));
        else process.stdout.write(flags.json ? `${JSON.stringify(a, null, 2)}\n` : formatReportText(a));
      }),
    );
}

/**
 * The archive's cluster directory: `cluster` from the config, else the only one under reports.dir,
 * else (a user may not list reports.dir, mode 0711) Slurm's ClusterName, as ctld takes it.
 */
async function clusterName(ctld: typeof import('@slurmscope/ctld'), config: CtldConfig): Promise<string> {
  if (config.cluster !== undefined) return config.cluster;
  let dirs: string[];
  try {
    dirs = readdirSync(config.reports.dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return slurmClusterName(ctld, config);
    throw new Error(`cannot read the report archive ${config.reports.dir}: ${errorMessage(err)}`);
  }
  const [only] = dirs;
  if (only === undefined || dirs.length > 1) {
    throw new Error(`set "cluster" in the ctld config: ${config.reports.dir} holds ${dirs.length} cluster directories`);
  }
  return only;
}

/** ClusterName from `scontrol show config`. */
async function slurmClusterName(ctld: typeof import('@slurmscope/ctld'), config: CtldConfig): Promise<string> {
  const bin = config.slurm.binDir === undefined ? 'scontrol' : join(config.slurm.binDir, 'scontrol');
  const out = await runCommand(bin, ['show', 'config'], { timeoutMs: config.slurm.timeout, maxBytes: 4 * 1024 * 1024 });
  const name = ctld.parseSlurmConfig(out.stdout).clusterName;
  if (name === undefined)
    throw new Error('set "cluster" in the ctld config: scontrol show config names no ClusterName');
  return name;
}

async function loadReport(
  ctld: typeof import('@slurmscope/ctld'),
  config: CtldConfig,
  id: string,
  env: NodeJS.ProcessEnv,
): Promise<JobReport> {
  const { readReportFile, reportPath, ReportTooLargeError } = ctld;
  const cluster = await clusterName(ctld, config);
  const path = reportPath(config.reports.dir, cluster, id);
  if (path === undefined) throw new UsageError(`"${id}" is not a job id`);
  let localError: string;
  try {
    return await readReportFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof ReportTooLargeError) throw err; // its message names the file
    if (!isNotFound(err) && code !== 'EACCES' && code !== 'EPERM') throw new Error(`${path}: ${errorMessage(err)}`);
    localError =
      code === 'EACCES' || code === 'EPERM'
        ? `${path} is not readable by you (reports are readable by the job's owner and admins)`
        : `no report for job ${id} in ${join(config.reports.dir, cluster)}`;
  }
  const url = env.SLURMSCOPE_CTLD_URL;
  if (url === undefined || url === '') throw new Error(localError);
  return fetchReport(url, id, config.slurm.timeout, ctld.MAX_REPORT_BYTES);
}

/** Asks ctld (`GET /api/v1/reports/:id`) with the user's Slurm JWT from `scontrol token`. */
async function fetchReport(base: string, id: string, timeoutMs: number, maxBytes: number): Promise<JobReport> {
  const out = await runCommand('scontrol', ['token'], { timeoutMs, maxBytes: 64 * 1024 });
  const jwt = /SLURM_JWT=(\S+)/.exec(out.stdout)?.[1];
  if (jwt === undefined) throw new Error('scontrol token printed no SLURM_JWT');
  const url = `${base.replace(/\/+$/, '')}/api/v1/reports/${encodeURIComponent(id)}`;
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${jwt}`, accept: 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status === 404) throw new Error(`no report for job ${id} (asked ${base})`);
  const body = await readBounded(res, maxBytes, url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${body.slice(0, 200)}`);
  return JSON.parse(body) as JobReport;
}

/** The (inflated) body of an answer, at most `maxBytes`: a larger one is an error naming the URL. */
async function readBounded(res: Response, maxBytes: number, url: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.length;
    if (size > maxBytes) {
      await res.body?.cancel();
      throw new Error(`${url}: answer larger than ${maxBytes} bytes; refused`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
