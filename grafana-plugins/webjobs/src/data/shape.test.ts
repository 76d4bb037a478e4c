import { createDataFrame, FieldType } from '@grafana/data';
import { DEFAULT_OPTIONS, WebjobsOptions } from '../types';
import { shapeWebjobs, Shaped } from './shape';
import { bigFrame, findingsFrame, jobsFrame } from './testkit';

const opts = (o: Partial<WebjobsOptions> = {}): WebjobsOptions => ({ ...DEFAULT_OPTIONS, ...o });

function ok(r: ReturnType<typeof shapeWebjobs>): Shaped {
  if (!r.ok) {
    throw new Error(`expected rows, got message: ${r.message}`);
  }
  return r.value;
}

function message(r: ReturnType<typeof shapeWebjobs>): string {
  if (r.ok) {
    throw new Error('expected a message, got rows');
  }
  return r.message;
}

describe('shapeWebjobs', () => {
  test('empty: no frames, or a frame without fields, is a message; a frame without rows is no jobs', () => {
    expect(message(shapeWebjobs([], opts()))).toMatch(/^No data/);
    expect(message(shapeWebjobs([createDataFrame({ fields: [] })], opts()))).toMatch(/^No data/);
    const none = ok(shapeWebjobs([jobsFrame([])], opts()));
    expect(none.rows).toEqual([]);
    expect(none.maxNodes).toBe(0);
  });

  test('one node: one cell with its value, band and words', () => {
    const s = ok(shapeWebjobs([jobsFrame([{ jobid: '42', node: 'node-a', cpu: 0.35, mem: 2 ** 30 }])], opts()));
    expect(s.rows).toHaveLength(1);
    const row = s.rows[0]!;
    expect(row.cells).toHaveLength(1);
    expect(row.cells[0]).toMatchObject({
      node: 'node-a',
      value: 0.35,
      band: 'low',
      label: 'job 42 on node-a: CPU 35 %',
      cpu: 0.35,
      gpu: undefined,
      memBytes: 2 ** 30,
    });
    expect(row.mean).toBeCloseTo(0.35);
    expect(row.imbalance).toBe(0);
    expect(row.label).toBe('job 42 of alice, 1 node, mean CPU 35 %');
  });

  test('a job on one node: imbalance 0, sorted after an uneven job and before a job without data', () => {
    const s = ok(
      shapeWebjobs(
        [
          jobsFrame([
            { jobid: '7', node: 'n1', cpu: 0.1 },
            { jobid: '8', node: 'n1', cpu: null },
            { jobid: '9', node: 'n1', cpu: 0.9 },
            { jobid: '9', node: 'n2', cpu: 0.3 },
          ]),
        ],
        opts(),
      ),
    );
    expect(s.rows.map((r) => r.jobid)).toEqual(['9', '7', '8']);
    expect(s.rows[0]!.imbalance).toBeCloseTo(2 / 3);
    expect(s.rows[1]!.imbalance).toBe(0);
    expect(s.rows[1]!.label).toBe('job 7 of alice, 1 node, mean CPU 10 %');
    expect(s.rows[2]!.imbalance).toBeUndefined();
  });

  test('500 jobs × up to 64 nodes: every job, every cell, natural node order, most uneven first', () => {
    const s = ok(shapeWebjobs([bigFrame(500, 64)], opts()));
    expect(s.rows).toHaveLength(500);
    expect(s.maxNodes).toBe(64);
    const cells = s.rows.reduce((n, r) => n + r.cells.length, 0);
    let expected = 0;
    for (let j = 0; j < 500; j++) {
      expected += 1 + (j % 64);
    }
    expect(cells).toBe(expected);
    const wide = s.rows.find((r) => r.cells.length === 64)!;
    expect(wide.cells.slice(0, 3).map((c) => c.node)).toEqual(['node-0', 'node-1', 'node-2']);
    expect(wide.cells[10]!.node).toBe('node-10');
    for (let i = 1; i < s.rows.length; i++) {
      const a = s.rows[i - 1]!;
      const b = s.rows[i]!;
      expect(a.imbalance! > b.imbalance! || (a.imbalance === b.imbalance && a.mean! <= b.mean!)).toBe(true);
    }
    for (const c of wide.cells) {
      expect(c.label).toMatch(new RegExp(`^job ${wide.jobid} on ${c.node}: CPU \\d+(\\.\\d)? %$`));
    }
  });

  test('missing fields: the message names the field that is missing', () => {
    const noNode = createDataFrame({
      fields: [
        { name: 'jobid', type: FieldType.string, values: ['1'] },
        { name: 'cpu_util', type: FieldType.number, values: [0.5] },
      ],
    });
    expect(message(shapeWebjobs([noNode], opts()))).toBe(
      'Missing field "node" (string) in the query result; it has "jobid", "cpu_util".',
    );
    const noJobid = createDataFrame({ fields: [{ name: 'node', type: FieldType.string, values: ['a'] }] });
    expect(message(shapeWebjobs([noJobid], opts()))).toMatch(/^Missing field "jobid"/);
    const noCpu = createDataFrame({
      fields: [
        { name: 'jobid', type: FieldType.string, values: ['1'] },
        { name: 'node', type: FieldType.string, values: ['a'] },
      ],
    });
    expect(message(shapeWebjobs([noCpu], opts()))).toMatch(/^Missing field "cpu_util" \(number\)/);
    expect(message(shapeWebjobs([findingsFrame([['1', 'oom_killed']])], opts()))).toMatch(/^Missing field "node"/);
  });

  test('wrongly typed: a utilization field of words is a message naming it', () => {
    const words = createDataFrame({
      fields: [
        { name: 'jobid', type: FieldType.string, values: ['1'] },
        { name: 'node', type: FieldType.string, values: ['a'] },
        { name: 'cpu_util', type: FieldType.string, values: ['busy'] },
      ],
    });
    expect(message(shapeWebjobs([words], opts()))).toBe(
      'Field "cpu_util" in the query result holds string values, not numbers.',
    );
  });

  test('NaN: NaN and null are "no data" cells, left out of mean and imbalance', () => {
    const s = ok(
      shapeWebjobs(
        [
          jobsFrame([
            { jobid: '42', node: 'node-a', cpu: 0.4 },
            { jobid: '42', node: 'node-b', cpu: NaN },
            { jobid: '42', node: 'node-c', cpu: null },
            { jobid: '42', node: 'node-d', cpu: 0.8 },
          ]),
        ],
        opts(),
      ),
    );
    const row = s.rows[0]!;
    expect(row.cells.map((c) => c.band)).toEqual(['low', 'none', 'none', 'good']);
    expect(row.cells[1]!.label).toBe('job 42 on node-b: no data');
    expect(row.cells[1]!.value).toBeUndefined();
    expect(row.mean).toBeCloseTo(0.6);
    expect(row.imbalance).toBeCloseTo(0.5);
  });

  test('remapped names: every field read by the name the options give', () => {
    const names = { jobid: 'JobID', node: 'host', cpu: 'cpu', gpu: 'gpu', user: 'owner', mem: 'rss' };
    const frame = jobsFrame([{ jobid: '5', node: 'h1', cpu: 0.1, gpu: 0.9, user: 'bob', mem: 10 }], {
      withGpu: true,
      names,
    });
    const findings = findingsFrame([['5', 'idle_gpus']], { jobid: 'JobID', kind: 'what' });
    const o = opts({
      jobidField: 'JobID',
      nodeField: 'host',
      cpuField: 'cpu',
      gpuField: 'gpu',
      userField: 'owner',
      memField: 'rss',
      kindField: 'what',
      metric: 'gpu',
    });
    const row = ok(shapeWebjobs([frame, findings], o)).rows[0]!;
    expect(row).toMatchObject({ jobid: '5', user: 'bob', findings: ['idle_gpus'] });
    expect(row.cells[0]).toMatchObject({
      node: 'h1',
      value: 0.9,
      cpu: 0.1,
      gpu: 0.9,
      memBytes: 10,
      label: 'job 5 on h1: GPU 90 %',
    });
    // Case-insensitive lookup finds "JobID" for jobid; "host" is no "node".
    expect(message(shapeWebjobs([frame], opts()))).toMatch(/^Missing field "node"/);
  });

  test('findings frame join: kinds attached to their job once each; findings of other jobs ignored', () => {
    const jobs = jobsFrame([
      { jobid: '1', node: 'a', cpu: 0.9 },
      { jobid: '2', node: 'a', cpu: 0.9 },
    ]);
    const f = findingsFrame([
      ['1', 'uneven_load'],
      ['1', 'oom_killed'],
      ['1', 'uneven_load'],
      ['99', 'idle_gpus'],
    ]);
    const s = ok(shapeWebjobs([f, jobs], opts()));
    const byId = new Map(s.rows.map((r) => [r.jobid, r]));
    expect(byId.get('1')!.findings).toEqual(['uneven_load', 'oom_killed']);
    expect(byId.get('1')!.label).toBe('job 1 of alice, 1 node, mean CPU 90 %, findings: uneven load, OOM killed');
    expect(byId.get('2')!.findings).toEqual([]);
    expect(s.warnings).toEqual([]);
  });

  test('findings frame without jobid: the jobs are shown, with a warning naming the field', () => {
    const bad = createDataFrame({ fields: [{ name: 'kind', type: FieldType.string, values: ['uneven_load'] }] });
    const s = ok(shapeWebjobs([jobsFrame([{ jobid: '1', node: 'a', cpu: 0.5 }]), bad], opts()));
    expect(s.rows).toHaveLength(1);
    expect(s.warnings).toEqual(['Missing field "jobid" (string) in the findings frame; it has "kind".']);
  });

  test('GPU metric without gpu_util field: a message naming gpu_util', () => {
    const r = shapeWebjobs([jobsFrame([{ jobid: '1', node: 'a', cpu: 0.5 }])], opts({ metric: 'gpu' }));
    expect(message(r)).toMatch(/^Missing field "gpu_util" \(number\) in the query result/);
  });

  test('GPU metric: rows of several GPUs on one node are averaged; a frame per query is joined by job and node', () => {
    const cpu = jobsFrame([
      { jobid: '3', node: 'g1', cpu: 0.5 },
      { jobid: '3', node: 'g2', cpu: 0.5 },
    ]);
    const gpus = createDataFrame({
      fields: [
        { name: 'jobid', type: FieldType.string, values: ['3', '3', '3'] },
        { name: 'node', type: FieldType.string, values: ['g1', 'g1', 'g2'] },
        { name: 'gpu', type: FieldType.string, values: ['0', '1', '0'] },
        { name: 'gpu_util', type: FieldType.number, values: [1, 0.5, 0] },
      ],
    });
    const row = ok(shapeWebjobs([cpu, gpus], opts({ metric: 'gpu' }))).rows[0]!;
    expect(row.cells.map((c) => [c.node, c.value, c.cpu])).toEqual([
      ['g1', 0.75, 0.5],
      ['g2', 0, 0.5],
    ]);
    expect(row.cells[1]!.label).toBe('job 3 on g2: GPU 0 %');
    expect(row.imbalance).toBe(1);
  });

  test('rows of jobs interleaved (not grouped by job) still join by job and node', () => {
    const frame = jobsFrame([
      { jobid: '1', node: 'a', cpu: 0.2 },
      { jobid: '2', node: 'a', cpu: 0.4 },
      { jobid: '1', node: 'b', cpu: 0.6 },
      { jobid: '2', node: 'b', cpu: 0.8 },
      { jobid: '1', node: 'a', cpu: 0.4 },
    ]);
    const rows = ok(shapeWebjobs([frame], opts({ sort: 'jobid' }))).rows;
    expect(rows.map((r) => [r.jobid, r.cells.map((c) => [c.node, c.value])])).toEqual([
      [
        '1',
        [
          ['a', 0.30000000000000004],
          ['b', 0.6],
        ],
      ],
      [
        '2',
        [
          ['a', 0.4],
          ['b', 0.8],
        ],
      ],
    ]);
  });

  test('sort modes: uneven (imbalance desc, mean asc), idle (mean asc), jobid (natural order)', () => {
    const frame = jobsFrame([
      { jobid: '10', node: 'a', cpu: 0.9 },
      { jobid: '10', node: 'b', cpu: 0.9 },
      { jobid: '9', node: 'a', cpu: 0.2 },
      { jobid: '9', node: 'b', cpu: 0.2 },
      { jobid: '100', node: 'a', cpu: 1 },
      { jobid: '100', node: 'b', cpu: 0.5 },
    ]);
    const order = (sort: WebjobsOptions['sort']) => ok(shapeWebjobs([frame], opts({ sort }))).rows.map((r) => r.jobid);
    expect(order('uneven')).toEqual(['100', '9', '10']);
    expect(order('idle')).toEqual(['9', '100', '10']);
    expect(order('jobid')).toEqual(['9', '10', '100']);
  });

  test('thresholds: bands follow the options; low above good is swapped, not an error', () => {
    const frame = jobsFrame([0.05, 0.3, 0.6, 0.95].map((cpu, i) => ({ jobid: '1', node: `n${i}`, cpu })));
    const bands = (lowThreshold: number, goodThreshold: number) =>
      ok(shapeWebjobs([frame], opts({ lowThreshold, goodThreshold }))).rows[0]!.cells.map((c) => c.band);
    expect(bands(0.25, 0.75)).toEqual(['idle', 'low', 'low', 'good']);
    expect(bands(0.5, 0.9)).toEqual(['idle', 'idle', 'low', 'good']);
    expect(bands(0.9, 0.5)).toEqual(['idle', 'idle', 'low', 'good']);
  });

  test('rows without a job id or node are left out and counted in a warning; showUser off leaves the user out of the label', () => {
    const frame = jobsFrame([
      { jobid: '', node: 'a', cpu: 0.5 },
      { jobid: '1', node: '', cpu: 0.5 },
      { jobid: '1', node: 'b', cpu: 0.5 },
    ]);
    const s = ok(shapeWebjobs([frame], opts({ showUser: false })));
    expect(s.rows.map((r) => r.cells.length)).toEqual([1]);
    expect(s.warnings).toEqual(['2 rows without a job id or node left out.']);
    expect(s.rows[0]!.label).toBe('job 1, 1 node, mean CPU 50 %');
  });
});
