// A fake Slurm `binDir` for ctld: shell scripts named like Slurm's commands that print the
// generated outputs, so that ctld's real spawn + read + parse path runs. squeue honours the
// poll's `-t RUNNING,COMPLETING` the way the real one does (else it prints the whole queue).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  configText,
  partitionsText,
  sdiagText,
  sinfoJson,
  squeueAllText,
  squeueRunningText,
  versionText,
} from './shapes.mjs';

const SCRIPTS = {
  sinfo: `case "$*" in
  --json) exec cat "$D/sinfo.json" ;;
  *) echo "fake sinfo: unsupported arguments: $*" >&2; exit 2 ;;
esac`,
  squeue: `case " $* " in
  *" -t RUNNING,COMPLETING "*) exec cat "$D/squeue-running.txt" ;;
  *) exec cat "$D/squeue-all.txt" ;;
esac`,
  scontrol: `case "$*" in
  --version) exec cat "$D/version.txt" ;;
  "show partition -o") exec cat "$D/partitions.txt" ;;
  "show config") exec cat "$D/config.txt" ;;
  *) echo "fake scontrol: unsupported arguments: $*" >&2; exit 2 ;;
esac`,
  sdiag: `exec cat "$D/sdiag.txt"`,
  sacct: `case " $* " in
  *" -B "*) exec cat "$D/sacct-B.txt" ;;
  *" -P "*) exec cat "$D/sacct-P.txt" ;;
  *) echo "fake sacct: unsupported arguments: $*" >&2; exit 2 ;;
esac`,
};

/** Writes the cluster's Slurm outputs and the fake commands into `dir`; returns the file sizes. */
export function writeFakeBin(dir, cluster, extra = {}) {
  mkdirSync(dir, { recursive: true });
  const files = {
    'sinfo.json': sinfoJson(cluster),
    'squeue-running.txt': squeueRunningText(cluster),
    'squeue-all.txt': squeueAllText(cluster),
    'partitions.txt': partitionsText(cluster),
    'config.txt': configText(),
    'sdiag.txt': sdiagText(cluster),
    'version.txt': versionText(),
    'sacct-P.txt': '',
    'sacct-B.txt': '',
    ...extra,
  };
  const sizes = {};
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    sizes[name] = Buffer.byteLength(text);
  }
  for (const [name, body] of Object.entries(SCRIPTS)) {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n# fake ${name} for the ctld benchmark\nD=${JSON.stringify(dir)}\n${body}\n`);
    chmodSync(path, 0o755);
  }
  return sizes;
}
