// The admin alert rules (alerts/) checked by the tools that load them: promtool (syntax and the
// unit tests in alerts/tests/), vmalert's dry run (the same file in VictoriaMetrics), amtool
// (alertmanager.example.yml) and a real Alertmanager for its inhibit rule. test/stack/install
// installs the tools (`npm test` runs it first); a test is skipped, saying which tool is missing,
// only where they are not installed.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ALERTS_DIR,
  ALERT_NAMES,
  RULES_FILE,
  alertBlocks,
  onPath,
  runTool,
  startServer,
  testRules,
} from './lib/alerts.js';
import { fetchText, freePort, waitFor } from './lib/index.js';

const TESTS_DIR = join(ALERTS_DIR, 'tests');
const AM_EXAMPLE = join(ALERTS_DIR, 'alertmanager.example.yml');
const missing = (tool: string): string | false =>
  onPath(tool) === undefined ? `${tool} is not installed (test/stack/install installs it)` : false;

test('slurmscope.rules.yml: the issue’s ten alerts, each with severity, summary and description', () => {
  const blocks = alertBlocks(readFileSync(RULES_FILE, 'utf8'));
  assert.deepEqual([...blocks.keys()], [...ALERT_NAMES]);
  for (const [name, block] of blocks) {
    assert.match(block, /^\s+severity: (critical|warning|info)$/m, `${name}: severity`);
    assert.match(block, /^\s+summary: /m, `${name}: summary`);
    assert.match(block, /^\s+description: /m, `${name}: description`);
    assert.match(block, /\{\{ (\$value|printf "%\.0f" \$value)/, `${name}: the description carries the value`);
  }
});

test('promtool check rules accepts slurmscope.rules.yml', { skip: missing('promtool') }, async () => {
  const r = await runTool('promtool', ['check', 'rules', RULES_FILE]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /SUCCESS: 10 rules found/);
});

test('alerts/tests: every alert is tested firing and not firing', () => {
  const tested = new Map<string, { firing: boolean; silent: boolean }>();
  for (const file of readdirSync(TESTS_DIR).filter((f) => f.endsWith('.yml'))) {
    const text = readFileSync(join(TESTS_DIR, file), 'utf8');
    assert.match(text, /^rule_files: \[\.\.\/slurmscope\.rules\.yml\]$/m, `${file} tests the real rule file`);
    for (const check of text.split(/^\s+- eval_time: /m).slice(1)) {
      const name = /^\s+alertname: (\S+)$/m.exec(check)?.[1];
      assert.ok(name !== undefined, `${file}: a check without alertname`);
      const seen = tested.get(name) ?? { firing: false, silent: false };
      if (/^\s+exp_alerts: \[\]$/m.test(check)) seen.silent = true;
      else seen.firing = true;
      tested.set(name, seen);
    }
  }
  for (const name of ALERT_NAMES) assert.deepEqual(tested.get(name), { firing: true, silent: true }, name);
});

test(
  'promtool test rules: alerts/tests pass, and fail against rules with shorter for: durations',
  { skip: missing('promtool') },
  async (t) => {
    const files = readdirSync(TESTS_DIR).filter((f) => f.endsWith('.yml'));
    const r = await runTool('promtool', ['test', 'rules', ...files], { cwd: TESTS_DIR, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.output);
    assert.equal(r.output.match(/SUCCESS/g)?.length, files.length, r.output);
    // The same tests against a copy whose durations are seconds (the e2e test's copy): they must fail.
    const dir = mkdtempSync(join(tmpdir(), 'alerts-mutant-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(TESTS_DIR, join(dir, 'tests'), { recursive: true });
    const rules = readFileSync(RULES_FILE, 'utf8');
    writeFileSync(join(dir, 'slurmscope.rules.yml'), testRules(rules, { group: 'slurmscope', labels: {} }));
    // One file at a time: promtool prints the file names on stdout and the failures on stderr.
    const failed: string[] = [];
    for (const file of files) {
      const m = await runTool('promtool', ['test', 'rules', file], { cwd: join(dir, 'tests'), timeoutMs: 30_000 });
      if (m.code !== 0 && /FAILED/.test(m.output)) failed.push(file);
    }
    assert.deepEqual(
      failed.sort(),
      [
        'agent-down.yml',
        'collector-errors.yml',
        'idle-gpus.yml',
        'job-uneven.yml',
        'partition-degraded.yml',
        'slurm-snapshot-stale.yml',
        'spool-backlog.yml',
      ],
      'every alert with a for: fails',
    );
  },
);

test(
  'vmalert -dryRun accepts slurmscope.rules.yml, and refuses a template it cannot render',
  { skip: missing('vmalert') },
  async (t) => {
    const ok = await runTool('vmalert', ['-dryRun', `-rule=${RULES_FILE}`]);
    assert.equal(ok.code, 0, ok.output);
    const dir = mkdtempSync(join(tmpdir(), 'alerts-vmalert-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const broken = readFileSync(RULES_FILE, 'utf8').replace('humanizePercentage', 'noSuchFunction');
    writeFileSync(join(dir, 'broken.yml'), broken);
    const bad = await runTool('vmalert', ['-dryRun', `-rule=${join(dir, 'broken.yml')}`]);
    assert.notEqual(bad.code, 0, 'the dry run checks templates');
    assert.match(bad.output, /noSuchFunction/);
  },
);

test(
  'amtool: alertmanager.example.yml is valid and routes each severity to its receiver',
  { skip: missing('amtool') },
  async () => {
    const check = await runTool('amtool', ['check-config', AM_EXAMPLE]);
    assert.equal(check.code, 0, check.output);
    assert.match(check.output, /1 inhibit rules/);
    const cases: Array<[string, string[]]> = [
      ['hpc-admins-urgent', ['alertname=SlurmscopeSlurmSnapshotStale', 'severity=critical']],
      ['hpc-admins', ['alertname=SlurmscopeAgentDown', 'severity=warning', 'node=n1']],
      ['hpc-admins-daily', ['alertname=SlurmscopeIdleGpus', 'severity=info', 'jobid=42']],
      ['hpc-admins', ['alertname=Other']],
    ];
    for (const [receiver, labels] of cases) {
      const r = await runTool('amtool', [
        'config',
        'routes',
        'test',
        `--config.file=${AM_EXAMPLE}`,
        `--verify.receivers=${receiver}`,
        ...labels,
      ]);
      assert.equal(r.code, 0, `${labels.join(' ')} → ${receiver}: ${r.output}`);
    }
  },
);

/** An alert as Alertmanager's API v2 lists it. */
interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

test(
  'alertmanager.example.yml in Alertmanager: node alerts are inhibited while SlurmscopeAgentDown fires for that node',
  { skip: missing('prometheus-alertmanager'), timeout: 60_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'alerts-am-'));
    const [port, smtp] = [await freePort(), await freePort()];
    // Nothing listens on `smtp`: no mail leaves (group_wait is 30 s anyway).
    const config = readFileSync(AM_EXAMPLE, 'utf8').replace(
      /smtp_smarthost: '[^']*'/,
      `smtp_smarthost: '127.0.0.1:${smtp}'`,
    );
    writeFileSync(join(dir, 'am.yml'), config);
    const am = startServer(
      'prometheus-alertmanager',
      [
        `--config.file=${join(dir, 'am.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      join(dir, 'alertmanager.log'),
    );
    t.after(async () => {
      await am.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(() => fetchText(`${url}/-/ready`), { timeoutMs: 20_000, what: 'Alertmanager ready' });
    const alert = (labels: Record<string, string>) => ({ labels: { severity: 'warning', ...labels } });
    const posted = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        alert({ alertname: 'SlurmscopeAgentDown', node: 'n1' }),
        alert({ alertname: 'SlurmscopeThrottleErrors', node: 'n1' }),
        alert({ alertname: 'SlurmscopeCollectorErrors', node: 'n1', collector: 'gpu' }),
        alert({ alertname: 'SlurmscopeIdleGpus', node: 'n1', gpu: '0', jobid: '42', severity: 'info' }),
        alert({ alertname: 'SlurmscopeSpoolBacklog', node: 'n1', instance: 'n1:9311' }),
        alert({ alertname: 'SlurmscopeSpoolBacklog', instance: 'ctld:9310' }),
        alert({ alertname: 'SlurmscopeThrottleErrors', node: 'n2' }),
        alert({ alertname: 'SlurmscopePartitionDegraded', partition: 'batch' }),
      ]),
    });
    assert.equal(posted.status, 200, await posted.text());
    const states = await waitFor(
      async () => {
        const list = JSON.parse(await fetchText(`${url}/api/v2/alerts`)) as AmAlert[];
        if (list.length < 8 || list.some((a) => a.status.state === 'unprocessed')) return undefined;
        return Object.fromEntries(list.map((a) => [`${a.labels.alertname}/${a.labels.node ?? '-'}`, a.status.state]));
      },
      { timeoutMs: 20_000, what: 'the eight alerts processed by Alertmanager' },
    );
    assert.deepEqual(states, {
      'SlurmscopeAgentDown/n1': 'active',
      'SlurmscopeThrottleErrors/n1': 'suppressed',
      'SlurmscopeCollectorErrors/n1': 'suppressed',
      'SlurmscopeIdleGpus/n1': 'suppressed',
      'SlurmscopeSpoolBacklog/n1': 'suppressed',
      'SlurmscopeSpoolBacklog/-': 'active',
      'SlurmscopeThrottleErrors/n2': 'active',
      'SlurmscopePartitionDegraded/-': 'active',
    });
  },
);
