import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@slurmscope/common';
import { adviceFor, memRequest, slurmTime } from './advice.js';
import { jobLink, viewOfRaised, viewOfReport } from './content.js';
import { loadTemplates } from './templates.js';
import { endedReport, finding, raised } from './testkit.js';

const T = Date.parse('2026-03-01T12:00:00Z');

test('finding mail, text: what was seen per node, what it cost, what to do, the link', () => {
  const t = loadTemplates({});
  const view = viewOfRaised(raised(), 'https://portal.example.org/jobs/{jobid}?u={user}');
  const text = t.finding.text(view);
  assert.match(text, /^Hello alice,/);
  assert.match(text, /your job 4242 on cluster hpc1 \(partition cpu\) is still running/);
  assert.match(text, /What was seen: CPU load differed by 94 % between the busiest and the idlest node\./);
  assert.match(text, /^ {2}node c0412: CPU 3 %\n {2}node c0413: CPU 97 %$/m);
  assert.match(text, /What it cost so far \(run time 30 min\):/);
  assert.match(text, /idle CPU-hours +12\.5\n/);
  assert.match(text, /energy +2\.00 kWh\n/);
  assert.match(text, /CO2e +540 g\n/);
  assert.doesNotMatch(text, /idle GPU-hours/, 'nothing measured GPUs: no line, never 0');
  assert.match(text, /srun --ntasks-per-node=<n>/);
  assert.match(text, /#SBATCH --nodes=1/);
  assert.match(text, /The job's page: https:\/\/portal\.example\.org\/jobs\/4242\?u=alice\n/);
  assert.doesNotMatch(text, /&amp;|&lt;|&#x/, 'the text mail is not HTML-escaped');
});

test('finding mail, HTML: every value escaped, advice code in <code>, the link in an href', () => {
  const t = loadTemplates({});
  const evil = raised({
    user: 'a&b',
    message: 'load <script>alert(1)</script> "x"',
    nodes: [{ node: 'c<1>', text: 'CPU 3 %', value: 0.03 }],
  });
  const html = t.finding.html(viewOfRaised(evil, 'https://portal.example.org/jobs/'));
  assert.ok(!html.includes('<script>'), 'no raw script tag');
  assert.match(html, /load &lt;script&gt;alert\(1\)&lt;\/script&gt; &quot;x&quot;/);
  assert.match(html, /Hello a&amp;b,/);
  assert.match(html, /<td style="padding-right: 1em">node c&lt;1&gt;<\/td><td>CPU 3 %<\/td>/);
  assert.match(html, /<code>srun --ntasks-per-node=&lt;n&gt;<\/code>/);
  assert.match(html, /<a href="https:\/\/portal\.example\.org\/jobs\/4242">/);
  // The text rendering of the same view keeps the characters as they are.
  assert.match(t.finding.text(viewOfRaised(evil, undefined)), /load <script>alert\(1\)<\/script> "x"/);
});

test('end-of-job mail: only the kinds asked for, per-node CPU from the report, idle CPU-hours from the report', () => {
  const t = loadTemplates({});
  const r = endedReport({
    jobid: '77',
    endMs: T,
    findings: [finding('low_cpu_efficiency'), finding('memory_over_request', 'info')],
  });
  const view = viewOfReport(r, new Set(['low_cpu_efficiency']), undefined);
  assert.deepEqual(
    view.findings.map((f) => f.kind),
    ['low_cpu_efficiency'],
  );
  const text = t.finding.text(view);
  assert.match(text, /has ended/);
  assert.match(text, /node n1: CPU \d+ %/);
  assert.match(text, /--cpus-per-task=<threads>/);
  assert.match(text, /idle CPU-hours +\d/);
  assert.match(text, /The whole report \(with your batch script\): slurmscope report 77/);
  assert.doesNotMatch(text, /The job's page/, 'no linkBase, no link');
});

test('advice: concrete values where the report knows them', () => {
  assert.equal(slurmTime(600), '00:15:00');
  assert.equal(slurmTime(3700), '01:15:00');
  assert.equal(slurmTime(2 * 86400 + 60), '2-00:15:00');
  assert.equal(memRequest(3 * 2 ** 30), '4G');
  assert.equal(memRequest(1000), '1G');
  assert.match(adviceFor('memory_over_request', { displayId: '1', memoryPeakBytes: 3 * 2 ** 30 })[0]!, /--mem=4G/);
  assert.match(adviceFor('time_limit_over_request', { displayId: '1', elapsedSeconds: 3600 })[0]!, /--time=01:30:00/);
  assert.match(
    adviceFor('idle_gpus', { displayId: '9_1', gpus: 4 }).join('\n'),
    /--gres=gpu:N.*holds 4[\s\S]*scancel 9_1/,
  );
});

test('jobLink: {jobid} and {user} replaced (URL-encoded), else the id appended', () => {
  assert.equal(jobLink(undefined, '1', 'a'), undefined);
  assert.equal(jobLink('https://g/d/x?var-jobid={jobid}&u={user}', '12', 'a b'), 'https://g/d/x?var-jobid=12&u=a%20b');
  assert.equal(jobLink('https://g/d/x?var-jobid=', '12', 'a'), 'https://g/d/x?var-jobid=12');
  assert.equal(jobLink('https://portal/jobs', '12', 'a'), 'https://portal/jobs/12');
});

test('templates: a configured file replaces the shipped one; a broken one is a ConfigError naming its key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
  writeFileSync(
    join(dir, 'f.txt'),
    'Job {{displayId}}:{{#each findings}}{{#each nodes}} {{node}}={{text}}{{/each}}{{/each}}\n',
  );
  const t = loadTemplates({ findingText: join(dir, 'f.txt') });
  assert.equal(t.finding.text(viewOfRaised(raised(), undefined)), 'Job 4242: c0412=CPU 3 % c0413=CPU 97 %\n');
  writeFileSync(join(dir, 'bad.html'), '<p>{{#each findings}}</p>');
  assert.throws(
    () => loadTemplates({ findingHtml: join(dir, 'bad.html') }),
    (e: unknown) => e instanceof ConfigError && e.key === 'smtp.templates.findingHtml' && /bad\.html/.test(e.message),
  );
  assert.throws(
    () => loadTemplates({ digestText: join(dir, 'missing.txt') }),
    (e: unknown) => e instanceof ConfigError && e.key === 'smtp.templates.digestText' && /ENOENT/.test(e.message),
  );
});
