import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '@slurmscope/common';
import {
  parseCpuList,
  parseFlatKey,
  parseFlatKeyed,
  parseInteger,
  parseJobDirName,
  parseMemoryMax,
  parseOomKills,
  parsePidList,
  parsePressureAvg60,
  parseUidDirName,
  parseV1Limit,
  requireKey,
} from './cgroup.js';

const SRC = '/x/file';

describe('parseCpuList', () => {
  const ok: [string, string, number[]][] = [
    ['ranges and singles', '0-3,8,10-11\n', [0, 1, 2, 3, 8, 10, 11]],
    ['single cpu', '5\n', [5]],
    ['empty cpuset', '\n', []],
    ['unsorted overlapping', '8,0-2,1', [0, 1, 2, 8]],
  ];
  for (const [name, text, want] of ok) test(name, () => assert.deepEqual(parseCpuList(text, SRC), want));
  const bad: [string, string][] = [
    ['letters', 'a-b'],
    ['reversed range', '3-1'],
    ['trailing comma', '0-3,'],
    ['negative', '-1'],
    ['truncated range', '0-'],
  ];
  for (const [name, text] of bad) {
    test(`malformed: ${name}`, () =>
      assert.throws(
        () => parseCpuList(text, SRC),
        (e: unknown) => e instanceof ParseError && e.source === SRC,
      ));
  }
});

describe('parseFlatKeyed', () => {
  test('real v1 memory.stat lines, including the 2^63-ish limit', () => {
    const m = parseFlatKeyed('cache 9314304\nrss 4124672\nhierarchical_memory_limit 9223372036854771712\n', SRC);
    assert.equal(m.get('rss'), 4124672);
    assert.ok((m.get('hierarchical_memory_limit') as number) > 2 ** 62);
  });
  test('v2 cpu.stat with dotted key', () => {
    const m = parseFlatKeyed('usage_usec 8283940\ncore_sched.force_idle_usec 0\n', SRC);
    assert.equal(requireKey(m, 'usage_usec', SRC), 8283940);
  });
  const bad: [string, string, string][] = [
    ['truncated line (no value)', 'usage_usec 12\nuser_usec\n', 'user_usec'],
    ['non-numeric value', 'anon 12kB\n', 'anon 12kB'],
    ['two spaces', 'anon  12\n', 'anon  12'],
    ['binary garbage', '\u0000\u0001\n', '\u0000\u0001'],
  ];
  for (const [name, text, excerpt] of bad) {
    test(`malformed: ${name}`, () =>
      assert.throws(
        () => parseFlatKeyed(text, SRC),
        (e: unknown) => e instanceof ParseError && e.source === SRC && e.excerpt === excerpt,
      ));
  }
  test('missing key names the key', () =>
    assert.throws(() => requireKey(new Map(), 'total_rss', SRC), /missing key "total_rss"/));
});

describe('parseFlatKey', () => {
  const stat = 'cache 4096\ninactive_file 2048\ntotal_inactive_file 8192\nanon 123\n';
  const cases: Array<{ name: string; key: string; want?: number; error?: RegExp }> = [
    { name: 'a middle line', key: 'inactive_file', want: 2048 },
    { name: 'the first line', key: 'cache', want: 4096 },
    { name: 'not the total_ line of the same suffix', key: 'total_inactive_file', want: 8192 },
    { name: 'the last line', key: 'anon', want: 123 },
    { name: 'a missing key', key: 'rss', error: /missing key "rss"/ },
    { name: 'a prefix of a key is not the key', key: 'inactive', error: /missing key/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (c.error) assert.throws(() => parseFlatKey(stat, c.key, 'memory.stat'), c.error);
      else assert.equal(parseFlatKey(stat, c.key, 'memory.stat'), c.want);
    });
  }
  test('a malformed value names the file and the line', () => {
    assert.throws(
      () => parseFlatKey('anon 12x\n', 'anon', '/x/memory.stat'),
      (err: unknown) => err instanceof ParseError && err.source === '/x/memory.stat' && /anon 12x/.test(err.message),
    );
    assert.throws(() => parseFlatKey('anon \n', 'anon', 'f'), ParseError);
    assert.throws(() => parseFlatKey('', 'anon', 'f'), /missing key/);
  });
});

describe('single values', () => {
  test('parseInteger trims the newline', () => assert.equal(parseInteger('73418200511\n', SRC), 73418200511));
  test('parseInteger rejects empty (truncated file)', () => assert.throws(() => parseInteger('', SRC), ParseError));
  test('parseInteger rejects a float', () => assert.throws(() => parseInteger('1.5\n', SRC), ParseError));
  test('memory.max "max" is unlimited', () => assert.equal(parseMemoryMax('max\n', SRC), undefined));
  test('memory.max bytes', () => assert.equal(parseMemoryMax('4294967296\n', SRC), 4294967296));
  test('memory.max garbage', () => assert.throws(() => parseMemoryMax('unlimited\n', SRC), ParseError));
  test('v1 sentinel (4 KiB pages) is unlimited', () =>
    assert.equal(parseV1Limit('9223372036854771712\n', SRC), undefined));
  test('v1 sentinel (64 KiB pages) is unlimited', () =>
    assert.equal(parseV1Limit('9223372036854710272\n', SRC), undefined));
  test('v1 real limit', () => assert.equal(parseV1Limit('1048576000\n', SRC), 1048576000));
});

describe('parseOomKills', () => {
  const cases: Array<{ name: string; text: string; want: number | undefined }> = [
    // Debian 12, kernel 6.1, a job cgroup whose step was OOM-killed twice.
    {
      name: 'v2 memory.events (6.1)',
      text: 'low 0\nhigh 0\nmax 1583\noom 2\noom_kill 2\noom_group_kill 0\n',
      want: 2,
    },
    { name: 'v2 memory.events (5.10, no oom_group_kill)', text: 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n', want: 0 },
    { name: 'v1 memory.oom_control (4.13+)', text: 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n', want: 3 },
    {
      name: 'v1 memory.oom_control before 4.13: unknown, not 0',
      text: 'oom_kill_disable 0\nunder_oom 0\n',
      want: undefined,
    },
  ];
  for (const c of cases) test(c.name, () => assert.equal(parseOomKills(c.text, SRC), c.want));
  test('malformed: names the file and the line', () =>
    assert.throws(
      () => parseOomKills('oom 0\noom_kill x\n', '/j/memory.events'),
      (e: unknown) => e instanceof ParseError && e.source === '/j/memory.events' && e.excerpt === 'oom_kill x',
    ));
});

describe('parsePressureAvg60', () => {
  const ok: Array<{ name: string; text: string; want: number }> = [
    {
      name: 'a job under pressure (6.1 memory.pressure)',
      text: 'some avg10=12.50 avg60=7.25 avg300=1.98 total=48211353\nfull avg10=10.02 avg60=5.71 avg300=1.52 total=37630271\n',
      want: 0.0725,
    },
    {
      name: 'an idle job',
      text: 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
      want: 0,
    },
    { name: 'stalled the whole minute', text: 'some avg10=100.00 avg60=100.00 avg300=99.10 total=61000000\n', want: 1 },
  ];
  for (const c of ok) test(c.name, () => assert.equal(parsePressureAvg60(c.text, SRC), c.want));
  const bad: Array<{ name: string; text: string; excerpt: string }> = [
    { name: 'empty (truncated)', text: '', excerpt: '' },
    {
      name: 'full line only',
      text: 'full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
      excerpt: 'full avg10=0.00 avg60=0.00 avg300=0.00 total=0',
    },
    {
      name: 'avg60 missing',
      text: 'some avg10=0.00 avg300=0.00 total=0\n',
      excerpt: 'some avg10=0.00 avg300=0.00 total=0',
    },
    {
      name: 'not a number',
      text: 'some avg10=0.00 avg60=x avg300=0.00 total=0\n',
      excerpt: 'some avg10=0.00 avg60=x avg300=0.00 total=0',
    },
    {
      name: 'above 100 %',
      text: 'some avg10=0.00 avg60=100.01 avg300=0.00 total=0\n',
      excerpt: 'some avg10=0.00 avg60=100.01 avg300=0.00 total=0',
    },
  ];
  for (const c of bad) {
    test(`malformed: ${c.name}`, () =>
      assert.throws(
        () => parsePressureAvg60(c.text, '/j/memory.pressure'),
        (e: unknown) => e instanceof ParseError && e.source === '/j/memory.pressure' && e.excerpt === c.excerpt,
      ));
  }
});

describe('parsePidList', () => {
  test('pids one per line', () => assert.deepEqual(parsePidList('2201\n2207\n', SRC), [2201, 2207]));
  test('empty (job level)', () => assert.deepEqual(parsePidList('', SRC), []));
  test('malformed: text', () => assert.throws(() => parsePidList('2201\nabc\n', SRC), ParseError));
});

describe('directory names', () => {
  const cases: [string, ReturnType<typeof parseJobDirName>][] = [
    ['job_42', { kind: 'jobid', jobid: '42' }],
    ['job_s1A2B3C4D5E6F7', { kind: 'sluid', sluid: 's1A2B3C4D5E6F7' }],
    ['step_batch', undefined],
    ['job_', undefined],
    ['job_1.2', undefined],
    ['uid_1000', undefined],
  ];
  for (const [name, want] of cases) test(name, () => assert.deepEqual(parseJobDirName(name), want));
  test('uid_1000', () => assert.equal(parseUidDirName('uid_1000'), 1000));
  test('uid_x', () => assert.equal(parseUidDirName('uid_x'), undefined));
});
