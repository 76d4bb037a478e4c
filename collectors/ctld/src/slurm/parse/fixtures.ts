import { readFileSync } from 'node:fs';

/** Reads a file of testdata/slurm/ (tests only). */
export function slurmFixture(path: string): string {
  return readFileSync(new URL(`../../../testdata/slurm/${path}`, import.meta.url), 'utf8');
}
