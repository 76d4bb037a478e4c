import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricFamily, Snapshot } from '@slurmscope/model';
import { encodeSnapshot } from './line-protocol.js';

const T = 1_700_000_000_123;
const fam = (name: string, labelNames: string[], samples: MetricFamily['samples']): MetricFamily => ({
  name,
  help: 'h',
  type: 'gauge',
  labelNames,
  samples,
});
const snap = (...families: MetricFamily[]): Snapshot => ({ timestampMs: T, families });

test('encodeSnapshot: named cases', () => {
  const cases: Array<{ name: string; snapshot: Snapshot; lines: string[]; invalid?: number }> = [
    {
      name: 'measurement is namespace_subsystem, field the rest, ms timestamp',
      snapshot: snap(
        fam(
          'slurmscope_job_cpu_seconds_total',
          ['jobid', 'node'],
          [{ labels: { jobid: '42', node: 'n1' }, value: 12.5 }],
        ),
      ),
      lines: [`slurmscope_job,jobid=42,node=n1 cpu_seconds_total=12.5 ${T}`],
    },
    {
      name: 'families with the same measurement and tags share one line',
      snapshot: snap(
        fam(
          'slurmscope_job_cpu_seconds_total',
          ['jobid', 'node'],
          [
            { labels: { node: 'n1', jobid: '42' }, value: 1 },
            { labels: { jobid: '43', node: 'n1' }, value: 2 },
          ],
        ),
        fam(
          'slurmscope_job_memory_used_bytes',
          ['jobid', 'node'],
          [{ labels: { jobid: '42', node: 'n1' }, value: 1073741824 }],
        ),
      ),
      lines: [
        `slurmscope_job,jobid=42,node=n1 cpu_seconds_total=1,memory_used_bytes=1073741824 ${T}`,
        `slurmscope_job,jobid=43,node=n1 cpu_seconds_total=2 ${T}`,
      ],
    },
    {
      name: 'tags sorted by key, empty values omitted',
      snapshot: snap(
        fam(
          'slurmscope_gpu_power_watts',
          ['node', 'gpu', 'jobid'],
          [{ labels: { node: 'n1', gpu: '0', jobid: '' }, value: 61 }],
        ),
      ),
      lines: [`slurmscope_gpu,gpu=0,node=n1 power_watts=61 ${T}`],
    },
    {
      name: 'no labels',
      snapshot: snap(fam('slurmscope_influx_points_written_total', [], [{ labels: {}, value: 0 }])),
      lines: [`slurmscope_influx points_written_total=0 ${T}`],
    },
    {
      name: 'tag values with space, comma, equals are escaped',
      snapshot: snap(
        fam(
          'slurmscope_node_rapl_energy_joules_total',
          ['zone'],
          [{ labels: { zone: 'package-0/dram x,y=z' }, value: 3e21 }],
        ),
      ),
      lines: [`slurmscope_node,zone=package-0/dram\\ x\\,y\\=z rapl_energy_joules_total=3e+21 ${T}`],
    },
    {
      name: 'malformed: non-finite values and names without subsystem are left out and counted',
      snapshot: snap(
        fam(
          'slurmscope_job_cpus',
          ['jobid'],
          [
            { labels: { jobid: '1' }, value: NaN },
            { labels: { jobid: '2' }, value: Infinity },
            { labels: { jobid: '3' }, value: 4 },
          ],
        ),
        fam('slurmscope_job', [], [{ labels: {}, value: 1 }]),
      ),
      lines: [`slurmscope_job,jobid=3 cpus=4 ${T}`],
      invalid: 3,
    },
    {
      name: 'malformed: a duplicate series keeps the first value',
      snapshot: snap(
        fam(
          'slurmscope_job_cpus',
          ['jobid'],
          [
            { labels: { jobid: '1' }, value: 2 },
            { labels: { jobid: '1' }, value: 3 },
          ],
        ),
      ),
      lines: [`slurmscope_job,jobid=1 cpus=2 ${T}`],
      invalid: 1,
    },
  ];
  for (const c of cases) {
    const got = encodeSnapshot(c.snapshot);
    assert.deepEqual(got.lines, c.lines, c.name);
    assert.equal(got.invalid, c.invalid ?? 0, c.name);
  }
});
