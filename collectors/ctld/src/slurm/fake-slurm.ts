import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIX = fileURLToPath(new URL('../../testdata/slurm/22.05/', import.meta.url));

/** A binDir of fake Slurm commands for in-process ctld tests. */
export interface FakeSlurm {
  readonly dir: string;
  readonly binDir: string;
  /** What `squeue` prints (first the 22.05 capture): a test rewrites it to end or start jobs. */
  readonly squeueFile: string;
  /** Commands run so far, one line each ("sinfo --json"). */
  calls(): string[];
  /** Makes every command fail (true) or answer again (false). */
  fail(on: boolean): void;
  /** Makes every command hang until called with false (a slurmctld that does not answer). */
  hang(on: boolean): void;
}

/**
 * Writes shell scripts into `dir` that print the captured 22.05 outputs and log every run, so a
 * test counts real command executions; `sacct` knows no job. The caller owns `dir`.
 */
export function fakeSlurmBin(dir: string): FakeSlurm {
  const log = join(dir, 'calls.log');
  const flag = join(dir, 'fail');
  const hangFlag = join(dir, 'hang');
  const squeueFile = join(dir, 'squeue.txt');
  copyFileSync(join(FIX, 'squeue-running.txt'), squeueFile);
  const script = (name: string, body: string): void => {
    const file = join(dir, name);
    writeFileSync(
      file,
      `#!/bin/sh\necho "${name} $*" >> '${log}'\nwhile [ -e '${hangFlag}' ]; do sleep 0.05; done\nif [ -e '${flag}' ]; then echo "${name}: Unable to contact slurm controller (connect failure)" >&2; exit 1; fi\n${body}\n`,
    );
    chmodSync(file, 0o755);
  };
  script('sinfo', `cat '${FIX}sinfo.json'`);
  script('squeue', `cat '${squeueFile}'`);
  script('sdiag', `cat '${FIX}sdiag.txt'`);
  script('sacct', 'exit 0');
  script(
    'scontrol',
    `case "$1 $2" in
  "--version "*) echo "slurm-wlm 22.05.8" ;;
  "show partition") cat '${FIX}scontrol-partition.txt' ;;
  "show config") cat '${FIX}scontrol-config.txt' ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac`,
  );
  return {
    dir,
    binDir: dir,
    squeueFile,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
    fail: (on) => (on ? writeFileSync(flag, '') : rmSync(flag, { force: true })),
    hang: (on) => (on ? writeFileSync(hangFlag, '') : rmSync(hangFlag, { force: true })),
  };
}
