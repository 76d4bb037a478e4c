import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sbatchArgs, type JobSpec } from './slurm.js';

test('sbatchArgs', async (t) => {
  const cases: { name: string; spec: JobSpec; want?: string[]; throws?: RegExp }[] = [
    {
      name: 'wrap with the minimum',
      spec: { mem: '100M', wrap: 'sleep 1' },
      want: ['--parsable', '--mem=100M', '--output=/o/%j', '--wrap=sleep 1'],
    },
    {
      name: 'script with every option',
      spec: {
        mem: '1G',
        script: '#!/bin/sh\ntrue\n',
        nodes: 2,
        ntasks: 3,
        cpusPerTask: 1,
        partition: 'scavenger',
        constraint: 'n_n1',
        nodelist: 'n1,n2',
        name: 'x',
        time: '5:00',
        output: '/dev/null',
        extraArgs: ['--requeue'],
      },
      want: [
        '--parsable',
        '--mem=1G',
        '--output=/dev/null',
        '--nodes=2',
        '--ntasks=3',
        '--cpus-per-task=1',
        '--partition=scavenger',
        '--constraint=n_n1',
        '--nodelist=n1,n2',
        '--job-name=x',
        '--time=5:00',
        '--requeue',
      ],
    },
    { name: 'neither script nor wrap', spec: { mem: '1M' }, throws: /exactly one/ },
    { name: 'both script and wrap', spec: { mem: '1M', wrap: 'a', script: 'b' }, throws: /exactly one/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (c.throws) assert.throws(() => sbatchArgs(c.spec, '/o/%j'), c.throws);
      else assert.deepEqual(sbatchArgs(c.spec, '/o/%j'), c.want);
    });
  }
});
