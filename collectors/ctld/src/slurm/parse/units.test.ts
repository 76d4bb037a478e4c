import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpusFromTres, parseGres, parseMemoryBytes, parseSlurmDuration, parseTres } from './units.js';

const MiB = 1024 * 1024;

test('parseMemoryBytes: named cases', () => {
  const cases: Array<[string, string, number | undefined]> = [
    ['MiB suffix', '500M', 500 * MiB],
    ['no suffix is MiB', '4000', 4000 * MiB],
    ['GiB with decimals', '187.50G', 187.5 * 1024 * MiB],
    ['TiB', '1T', 1024 * 1024 * MiB],
    ['per-cpu marker', '2000Mc', 2000 * MiB],
    ['empty', '', undefined],
    ['garbage', 'lots', undefined],
    ['negative', '-5M', undefined],
  ];
  for (const [name, input, want] of cases) assert.equal(parseMemoryBytes(input), want, name);
});

test('parseTres and gpusFromTres: totals and per-type counts', () => {
  const t = parseTres('cpu=16,mem=128G,node=1,billing=16,gres/gpu=2,gres/gpu:a100=2');
  assert.equal(t.get('cpu'), 16);
  assert.equal(t.get('mem'), 128 * 1024 * MiB);
  assert.deepEqual(gpusFromTres(t), { total: 2, byType: { a100: 2 } });
  assert.deepEqual(gpusFromTres(parseTres('cpu=1,gres/gpu=3')), { total: 3, byType: { '': 3 } });
  assert.deepEqual(gpusFromTres(parseTres('cpu=2,mem=1000M,node=2,billing=2')), { total: 0, byType: {} });
  assert.equal(parseTres('N/A').size, 0);
  assert.equal(parseTres('cpu,=3,mem=x').size, 0, 'malformed pairs are skipped');
});

test('parseGres: configured and used lists', () => {
  const cases: Array<[string, string, Array<{ name: string; type: string; count: number }>]> = [
    ['typed with sockets', 'gpu:a100:4(S:0-1)', [{ name: 'gpu', type: 'a100', count: 4 }]],
    ['used with index', 'gpu:tesla:1(IDX:0)', [{ name: 'gpu', type: 'tesla', count: 1 }]],
    ['untyped', 'gpu:2', [{ name: 'gpu', type: '', count: 2 }]],
    ['22.05 no gpus', 'gpu:0', [{ name: 'gpu', type: '', count: 0 }]],
    ['null type', 'gpu:(null):0(IDX:N/A)', [{ name: 'gpu', type: '', count: 0 }]],
    [
      'several, comma inside parens',
      'gpu:a100:2(IDX:0,2),shard:8',
      [
        { name: 'gpu', type: 'a100', count: 2 },
        { name: 'shard', type: '', count: 8 },
      ],
    ],
    ['empty', '', []],
    ['bad count skipped', 'gpu:a100:many', []],
  ];
  for (const [name, input, want] of cases) assert.deepEqual(parseGres(input), want, name);
});

test('parseSlurmDuration: Slurm time formats', () => {
  const cases: Array<[string, number | undefined]> = [
    ['30:00', 1800],
    ['1:00:00', 3600],
    ['1-00:00:00', 86400],
    ['2-12', 2 * 86400 + 12 * 3600],
    ['45', 2700],
    ['00:02:00', 120],
    ['UNLIMITED', undefined],
    ['INFINITE', undefined],
    ['1:2:3:4', undefined],
    ['x:10', undefined],
  ];
  for (const [input, want] of cases) assert.equal(parseSlurmDuration(input), want, input);
});
