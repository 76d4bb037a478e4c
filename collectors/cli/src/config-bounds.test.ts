import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Out-of-range durations and ports stop both daemons before they start: exit 2 and one line naming
// the file and the key (`interval: 0ms` made ctld run squeue back to back; port 99999 exited 1
// from deep inside the HTTP server without naming the key).
const main = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cli-bounds-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const cases: Array<{ args: string[]; yaml: string; line: (file: string) => string }> = [
  {
    args: ['ctld', '--once'],
    yaml: 'interval: 0ms\n',
    line: (f) => `slurmscope ctld: config error: ${f}: key "interval": must be between 1s and 1h`,
  },
  {
    args: ['ctld', '--once'],
    yaml: 'interval: 30d\n',
    line: (f) => `slurmscope ctld: config error: ${f}: key "interval": must be between 1s and 1h`,
  },
  {
    args: ['ctld'],
    yaml: 'api:\n  listen: 127.0.0.1:99999\n',
    line: (f) => `slurmscope ctld: config error: ${f}: key "api.listen": port must be between 0 and 65535, not 99999`,
  },
  {
    args: ['ctld'],
    yaml: 'api:\n  corsOrigins: ["https://portal.example.org/app"]\n',
    line: (f) =>
      `slurmscope ctld: config error: ${f}: key "api.corsOrigins.0": must be an origin like "https://portal.example.org" (http or https, host[:port], no path), not "https://portal.example.org/app"`,
  },
  {
    args: ['agent', '--once'],
    yaml: 'interval: 0ms\n',
    line: (f) => `slurmscope agent: config error: ${f}: key "interval": must be between 100ms and 5m`,
  },
  {
    args: ['agent'],
    yaml: 'prometheus:\n  listen: 127.0.0.1:99999\n',
    line: (f) =>
      `slurmscope agent: config error: ${f}: key "prometheus.listen": port must be between 0 and 65535, not 99999`,
  },
];

cases.forEach((c, i) => {
  test(`${c.args.join(' ')} with ${JSON.stringify(c.yaml)}: exit 2, one line naming the key`, () => {
    const file = join(dir, `${i}.yaml`);
    writeFileSync(file, c.yaml);
    const r = spawnSync(process.execPath, [main, ...c.args, '--config', file], {
      encoding: 'utf8',
      // No Slurm on PATH and no stack: whatever got past the config would fail otherwise, or run on.
      env: { PATH: '/nonexistent' },
      timeout: 15_000,
    });
    assert.equal(r.stderr, `${c.line(file)}\n`);
    assert.equal(r.status, 2);
  });
});
