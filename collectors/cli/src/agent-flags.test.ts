import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// `--calibrate-for` is bounded as config durations are: out of range is exit 2 and one line naming
// the flag, before anything is measured (30d kept a drained node at its throttle floor for a month;
// 1ms measured noise). A root without RAPL makes any run that got past the check fail with exit 1.
const main = fileURLToPath(new URL('./main.js', import.meta.url));

for (const value of ['1ms', '4s', '11m', '30d']) {
  test(`agent --calibrate --calibrate-for ${value}: exit 2, one line naming the flag and the bounds`, () => {
    const r = spawnSync(
      process.execPath,
      [main, 'agent', '--calibrate', '--calibrate-for', value, '--root', '/nonexistent/', '--node', 'n1'],
      { encoding: 'utf8', env: { PATH: '/nonexistent', SLURMSCOPE_CONFIG: '/dev/null' }, timeout: 15_000 },
    );
    assert.equal(
      r.stderr,
      `slurmscope agent: --calibrate-for: must be between 5s and 10m, not ${value} (see slurmscope agent --help)\n`,
    );
    assert.equal(r.status, 2);
  });
}

test('agent --calibrate --calibrate-for soon: exit 2 naming the flag (not a duration)', () => {
  const r = spawnSync(process.execPath, [main, 'agent', '--calibrate', '--calibrate-for', 'soon'], {
    encoding: 'utf8',
    env: { PATH: '/nonexistent', SLURMSCOPE_CONFIG: '/dev/null' },
    timeout: 15_000,
  });
  assert.match(r.stderr, /^slurmscope agent: --calibrate-for: "soon" is not a duration/);
  assert.equal(r.status, 2);
});
