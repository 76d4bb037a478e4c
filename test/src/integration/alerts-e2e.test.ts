// The admin alert rules end to end on the local cluster: the stack's real Prometheus loads
// alerts/slurmscope.rules.yml (a copy whose for: durations are seconds, each alert labelled with
// this run) and scrapes an agent per node and ctld on the ports it scrapes; one agent is stopped,
// ctld's slurmscope_node_agent_up for its node drops to 0, SlurmscopeAgentDown fires, reaches the
// stack's real Alertmanager, and its mail lands in the SMTP sink.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES_FILE, decodeQuotedPrintable, testRules } from '../lib/alerts.js';
import {
  fetchText,
  loadStack,
  promQuery,
  slurmEnv,
  startDaemon,
  waitFor,
  type Daemon,
  type Stack,
} from '../lib/index.js';

const stack = loadStack();
const RUN = `e2e-${process.pid}-${Date.now()}`;

/** Writes the configs of ctld and of one agent per node, on the ports the stack's Prometheus scrapes. */
function writeConfigs(s: Stack, dir: string): void {
  writeFileSync(
    join(dir, 'ctld.yaml'),
    JSON.stringify({
      interval: '1s',
      stateDir: join(dir, 'ctld-state'),
      api: { listen: `127.0.0.1:${s.ports.ctld}` },
      reports: { dir: join(dir, 'reports') },
    }),
  );
  for (const node of s.nodes)
    writeFileSync(
      join(dir, `agent-${node}.yaml`),
      JSON.stringify({
        interval: '1s',
        node,
        stateDir: join(dir, `state-${node}`),
        prometheus: { listen: `127.0.0.1:${s.ports.agents[node]}` },
        ctld: { url: s.urls.ctld },
        gpu: { mode: 'off' },
        slurm: { spoolDir: s.paths.slurmdSpool },
        throttle: { socket: join(dir, `run-${node}`, 'agent.sock') },
      }),
    );
}

/** Asks the stack's Prometheus to read its rule files again. */
async function reloadPrometheus(): Promise<void> {
  const res = await fetch(`${stack.urls.prometheus}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, `POST /-/reload: ${await res.text()}`);
}

/** Names of this run's alerts that Prometheus has firing for `alertname`, by node. */
async function firing(alertname: string): Promise<string[]> {
  const q = `ALERTS{alertname="${alertname}", e2e_run="${RUN}", alertstate="firing"}`;
  return (await promQuery(stack.urls.prometheus, q)).map((r) => r.metric.node ?? '').sort();
}

/** The sink's mails (decoded) stored since `sinceMs` that name this run. */
function mailsOfRun(sinceMs: number): string[] {
  return readdirSync(stack.paths.mail)
    .filter((f) => f.endsWith('.eml') && Number(f.split('-')[0]) >= sinceMs)
    .map((f) => decodeQuotedPrintable(readFileSync(join(stack.paths.mail, f), 'utf8')))
    .filter((text) => text.includes(RUN));
}

test(
  'an agent stopped: SlurmscopeAgentDown fires in the real Prometheus, reaches Alertmanager, mails the admins',
  { timeout: 150_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'alerts-e2e-'));
    const daemons: Daemon[] = [];
    const rules = join(stack.paths.prometheusRules, `slurmscope-${RUN}.yml`);
    t.after(async () => {
      await Promise.all(daemons.map((d) => d.stop()));
      rmSync(rules, { force: true });
      await reloadPrometheus();
      rmSync(dir, { recursive: true, force: true });
    });
    writeConfigs(stack, dir);
    const env = slurmEnv(stack);
    daemons.push(startDaemon(['ctld', '--config', join(dir, 'ctld.yaml')], { name: 'ctld', logDir: dir, env }));
    for (const node of stack.nodes)
      daemons.push(
        startDaemon(['agent', '--config', join(dir, `agent-${node}.yaml`)], {
          name: `agent-${node}`,
          logDir: dir,
          env,
        }),
      );
    const text = testRules(readFileSync(RULES_FILE, 'utf8'), { group: `slurmscope-${RUN}`, labels: { e2e_run: RUN } });
    writeFileSync(rules, text);
    await reloadPrometheus();
    const loaded = JSON.parse(await fetchText(`${stack.urls.prometheus}/api/v1/rules?type=alert`)) as {
      data: { groups: Array<{ name: string; rules: Array<{ name: string; duration: number }> }> };
    };
    const ours = loaded.data.groups.find((g) => g.name === `slurmscope-${RUN}`);
    assert.equal(ours?.rules.find((r) => r.name === 'SlurmscopeAgentDown')?.duration, 5, 'for: 5m became 5 s');

    // Prometheus scrapes every agent and ctld, and sees every node's agent up: nothing fires.
    await waitFor(
      async () =>
        (await promQuery(stack.urls.prometheus, 'slurmscope_node_agent_up == 1'))
          .map((r) => r.metric.node)
          .sort()
          .join(',') === stack.nodes.join(','),
      { timeoutMs: 45_000, intervalMs: 500, what: 'slurmscope_node_agent_up == 1 for every node in Prometheus' },
    );
    // ctld hears the agents before Prometheus has scraped each of them once: wait for that too.
    await waitFor(
      async () =>
        (await promQuery(stack.urls.prometheus, 'up{job="slurmscope-agent"} == 1')).length === stack.nodes.length,
      { timeoutMs: 45_000, intervalMs: 500, what: 'Prometheus scraping every agent (up == 1)' },
    );
    assert.deepEqual(await firing('SlurmscopeAgentDown'), []);

    const node = stack.nodes[1]!;
    const stoppedAt = Date.now();
    assert.equal(await daemons[2]!.stop(), 0, `the agent on ${node} exits 0 on SIGTERM`);
    await waitFor(async () => (await firing('SlurmscopeAgentDown')).join(',') === node, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: `SlurmscopeAgentDown firing for ${node} (and only it) in Prometheus`,
    });
    t.diagnostic(`firing ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after the agent stopped`);

    const inAm = await waitFor(
      async () => {
        const filter = ['alertname="SlurmscopeAgentDown"', `e2e_run="${RUN}"`]
          .map((f) => `filter=${encodeURIComponent(f)}`)
          .join('&');
        const list = JSON.parse(await fetchText(`${stack.urls.alertmanager}/api/v2/alerts?${filter}`)) as Array<{
          labels: Record<string, string>;
          annotations: Record<string, string>;
        }>;
        return list.length > 0 ? list : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the alert in Alertmanager' },
    );
    assert.equal(inAm.length, 1);
    assert.equal(inAm[0]!.labels.node, node);
    assert.equal(inAm[0]!.labels.severity, 'warning');
    assert.equal(inAm[0]!.annotations.summary, `slurmscope agent on ${node} is not reporting`);

    const mail = await waitFor(() => mailsOfRun(stoppedAt).find((m) => m.includes('SlurmscopeAgentDown')), {
      timeoutMs: 45_000,
      intervalMs: 500,
      what: `a mail about SlurmscopeAgentDown of run ${RUN} in ${stack.paths.mail}`,
    });
    assert.match(mail, /^To: ops@slurmscope\.local/im);
    assert.ok(mail.includes(`slurmscope agent on ${node} is not reporting`), 'the summary is in the mail');
    t.diagnostic(`mailed ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after the agent stopped`);
  },
);
