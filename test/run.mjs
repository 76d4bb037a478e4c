#!/usr/bin/env node
// The one test runner: `node test/run.mjs unit|integration|all` (after `tsc -b`).
//   unit         every compiled *.test.js under the workspaces' dist/ (dashboards/ too; not test/dist/integration),
//                then the panels' jest tests in grafana-plugins/
//   integration  test/dist/integration/**/*.test.js, one file at a time, against the local stack:
//                installs what is missing, starts the stack unless it runs, and stops it afterwards
//                only if it started it (also on failure and Ctrl-C)
//   all          unit, then integration
// Prints node's spec output, then one line "N passed, N failed, N skipped" over both phases, and
// exits 1 when anything failed or no test ran.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STACK_SCRIPTS = join(ROOT, 'test', 'stack');
const mode = process.argv[2];
if (!['unit', 'integration', 'all'].includes(mode ?? '')) {
  console.error('usage: node test/run.mjs unit|integration|all');
  process.exit(2);
}

const totals = { pass: 0, fail: 0, skipped: 0, cancelled: 0, todo: 0 };
const tapDir = mkdtempSync(join(tmpdir(), 'slurmscope-test-'));
let current; // the child process running now, for signals
let stackStartedByUs = false;
let interrupted = false;

/** Every *.test.js below `dir` (node_modules skipped), sorted. */
function testFiles(dir, exclude = []) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => f.endsWith('.test.js') && !f.includes('/node_modules/'))
    .filter((f) => !exclude.some((x) => f.startsWith(x)))
    .sort();
}

function unitFiles() {
  const dirs = [];
  for (const group of ['exporters', 'collectors']) {
    for (const pkg of readdirSync(join(ROOT, group), { withFileTypes: true })) {
      if (pkg.isDirectory()) dirs.push(join(ROOT, group, pkg.name, 'dist'));
    }
  }
  dirs.push(join(ROOT, 'dashboards', 'dist'));
  const files = dirs.flatMap((d) => testFiles(d));
  return files.concat(testFiles(join(ROOT, 'test', 'dist'), [join(ROOT, 'test', 'dist', 'integration')]));
}

/** Runs a command with inherited stdio; resolves with its exit code (signals count as failure). */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
    current = child;
    child.on('error', (err) => {
      console.error(`${cmd}: ${err.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => {
      current = undefined;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Adds a TAP report's top-level "# pass N" ... lines to the totals. */
function addTap(file) {
  if (!existsSync(file)) return false;
  let found = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^# (pass|fail|skipped|cancelled|todo) (\d+)$/.exec(line);
    if (m) {
      totals[m[1]] += Number(m[2]);
      found = true;
    }
  }
  return found;
}

async function nodeTest(phase, files, extra = []) {
  console.log(`\n== ${phase}: ${files.length} file(s)`);
  if (files.length === 0) return;
  const tap = join(tapDir, `${phase}.tap`);
  const args = [
    '--test',
    ...extra,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files.map((f) => relative(ROOT, f)),
  ];
  const code = await run(process.execPath, args);
  if (!addTap(tap) && code !== 0) {
    console.error(`${phase}: node --test exited ${code} without a summary`);
    totals.fail += 1;
  } else if (code !== 0 && totals.fail + totals.cancelled === 0) {
    // node --test failed outside any test (e.g. a file that does not load): never report success.
    console.error(`${phase}: node --test exited ${code}`);
    totals.fail += 1;
  }
}

/**
 * The panels' jest tests (grafana-plugins/, the Grafana convention for panels): counted into the
 * same totals from jest's JSON summary; a jest that dies without one counts as a failure.
 */
async function jestPanels() {
  const dir = join(ROOT, 'grafana-plugins');
  console.log('\n== unit (panels, jest)');
  const summary = join(tapDir, 'jest.json');
  const jest = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const code = await run(process.execPath, [jest, '--ci', '--json', `--outputFile=${summary}`], { cwd: dir });
  if (!existsSync(summary)) {
    console.error(`jest exited ${code} without a summary`);
    totals.fail += 1;
    return;
  }
  const r = JSON.parse(readFileSync(summary, 'utf8'));
  totals.pass += r.numPassedTests;
  totals.fail += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  totals.skipped += r.numPendingTests + r.numTodoTests;
  if (code !== 0 && r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0) === 0) {
    console.error(`jest exited ${code}`);
    totals.fail += 1;
  }
}

async function stackScript(name) {
  const code = await run('bash', [join(STACK_SCRIPTS, name)]);
  if (code !== 0) throw new Error(`test/stack/${name} exited ${code}`);
}

/** Exit code of test/stack/status: 0 running, 1 stopped, 3 partial. */
function stackStatus() {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(STACK_SCRIPTS, 'status')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('close', (code) => {
      console.log(`stack: ${out.trim()}`);
      resolve(code ?? 1);
    });
  });
}

async function integration() {
  const files = testFiles(join(ROOT, 'test', 'dist', 'integration'));
  await stackScript('install');
  if ((await stackStatus()) !== 0) {
    stackStartedByUs = true;
    await stackScript('start');
  }
  if (interrupted) return;
  await nodeTest('integration', files, ['--test-concurrency=1', '--test-timeout=600000']);
}

async function stopStackIfOurs() {
  if (!stackStartedByUs) return;
  stackStartedByUs = false;
  console.log('\n== stopping the stack this run started');
  const code = await run('bash', [join(STACK_SCRIPTS, 'stop')]);
  if (code !== 0) {
    console.error(`test/stack/stop exited ${code}`);
    totals.fail += 1;
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (interrupted) return; // a second Ctrl-C: the cleanup below is already running
    interrupted = true;
    console.error(`\n${sig}: stopping the tests`);
    current?.kill(sig);
  });
}

let exitCode = 0;
try {
  // Some unit files run real servers of their own (VictoriaMetrics through an outage): on a fresh
  // machine the packages must be there before them, or those tests would only be skipped.
  if (mode === 'all') await stackScript('install');
  if (mode === 'unit' || mode === 'all') {
    await nodeTest('unit', unitFiles(), ['--test-timeout=300000']);
    if (!interrupted) await jestPanels();
  }
  if (!interrupted && (mode === 'integration' || mode === 'all')) await integration();
} catch (err) {
  console.error(`run: ${err.message}`);
  exitCode = 1;
} finally {
  await stopStackIfOurs();
  rmSync(tapDir, { recursive: true, force: true });
}

const failed = totals.fail + totals.cancelled;
const ran = totals.pass + failed;
console.log(
  `\n${totals.pass} passed, ${failed} failed${totals.skipped + totals.todo ? `, ${totals.skipped + totals.todo} skipped` : ''}`,
);
if (failed > 0 || ran === 0 || interrupted) exitCode = 1;
process.exit(exitCode);
