import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CTLD_FAMILIES,
  INSPECTOR_FAMILIES,
  MAIL_FAMILIES,
  NODE_REPORT_FAMILIES,
  REPORT_FAMILIES,
} from '@slurmscope/ctld';
import { emptyStats, statsFamilies } from '@slurmscope/influxdb';
import type { FamilyDesc } from '@slurmscope/model';
import { AGENT_FAMILIES, CTLD_REPORTS_FAMILY, THROTTLE_FAMILIES } from '@slurmscope/node-agent';

// The README's "Metric names" section is the list dashboards and alert rules are written from:
// it must hold exactly the families the code declares, with their types and labels.

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** InfluxDB measurement names and names this release renamed away from, named in the prose. */
const NOT_FAMILIES = new Set([
  'slurmscope_job',
  'slurmscope_node',
  'slurmscope_gpu',
  'slurmscope_job_energy_joules',
  'slurmscope_job_co2_grams',
]);

function declared(): FamilyDesc[] {
  return [
    ...Object.values(AGENT_FAMILIES),
    ...Object.values(THROTTLE_FAMILIES),
    { ...CTLD_REPORTS_FAMILY, labelNames: [...CTLD_REPORTS_FAMILY.labelNames] },
    ...Object.values(CTLD_FAMILIES),
    ...Object.values(REPORT_FAMILIES),
    ...Object.values(NODE_REPORT_FAMILIES),
    ...Object.values(MAIL_FAMILIES),
    ...Object.values(INSPECTOR_FAMILIES),
    ...statsFamilies(emptyStats(), { queuePoints: 0, spoolPoints: 0, spoolBytes: 0 }),
  ];
}

/** The rows of the README's "Metric names" tables: name → "type labels". */
function listed(): Map<string, string> {
  const start = README.indexOf('\n## Metric names\n');
  assert.ok(start >= 0, 'README has a "## Metric names" section');
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  const rows = new Map<string, string>();
  for (const m of section.matchAll(/^\| `(slurmscope_[a-z0-9_]+)` \| (\w+) \| ([^|]+) \|/gm)) {
    assert.ok(!rows.has(m[1]!), `${m[1]} is listed twice`);
    rows.set(m[1]!, `${m[2]} ${m[3]!.trim() === '—' ? '' : m[3]!.trim()}`.trim());
  }
  return rows;
}

/** Every full metric name the README mentions, with `{a,b}` name parts expanded (label sets are not names). */
function mentioned(): Set<string> {
  const names = new Set<string>();
  for (const m of README.matchAll(/slurmscope_[a-z0-9_]*(?:\{[a-z0-9_,]+\}[a-z0-9_]*)*/g)) {
    let forms = [''];
    for (const part of m[0].split(/(\{[a-z0-9_,]+\})/)) {
      if (!part.startsWith('{')) forms = forms.map((f) => f + part);
      else if (forms[0]!.endsWith('_'))
        forms = forms.flatMap((f) =>
          part
            .slice(1, -1)
            .split(',')
            .map((p) => f + p),
        );
      else break; // a label set after a complete name
    }
    for (const f of forms) if (!f.endsWith('_')) names.add(f);
  }
  return names;
}

test('the README lists every declared metric family with its type and labels', () => {
  const rows = listed();
  for (const d of declared()) {
    assert.equal(rows.get(d.name), `${d.type} ${d.labelNames.join(', ')}`.trim(), `README row of ${d.name}`);
  }
});

test('the README lists no family the code does not declare', () => {
  const names = new Set(declared().map((d) => d.name));
  for (const name of listed().keys()) assert.ok(names.has(name), `README lists ${name}, which nothing declares`);
});

test('every metric name the README mentions anywhere is declared', () => {
  const names = new Set(declared().map((d) => d.name));
  const unknown = [...mentioned()].filter((n) => !names.has(n) && !NOT_FAMILIES.has(n));
  assert.deepEqual(unknown, [], 'names in the README that no table declares');
});
