import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParseError } from '@slurmscope/common';
import { detectCgroupVersion, discoverJobs } from './cgroup.js';
import { psiUnavailable, readJob, readJobs } from './cgroup-read.js';

const testdata = (name: string): string => fileURLToPath(new URL(`../../testdata/${name}`, import.meta.url));
const V1 = testdata('root-v1');
const V2 = testdata('root-v2');

/** Runs `fn` on a writable copy of the fixture tree `root`. */
function withCopy(root: string, fn: (tmp: string) => void): void {
  const tmp = mkdtempSync(join(tmpdir(), 'cg-'));
  try {
    cpSync(root, tmp, { recursive: true });
    fn(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('cgroup version', () => {
  test('v1 tree (hybrid, with an empty unified mount)', () => assert.equal(detectCgroupVersion(V1), 1));
  test('v2 tree', () => assert.equal(detectCgroupVersion(V2), 2));
  test('no cgroup fs', () => assert.equal(detectCgroupVersion(testdata('root-rapl-amd')), undefined));
});

describe('discovery', () => {
  const cases: [string, string, string, string[], number[]][] = [
    ['v1 node-named tree wins', V1, 'n1', ['42', '43'], [1000, 1001]],
    ['v1 plain tree when no slurm_<node>', V1, 'other', ['77'], [1000]],
    ['v2 node-named scope wins', V2, 'n1', ['200'], []],
    ['v2 plain scope', V2, 'other', ['100', '101'], []],
  ];
  for (const [name, root, node, jobids, uids] of cases) {
    test(name, () => {
      const d = discoverJobs({ root, node });
      assert.deepEqual(d.jobs.map((j) => j.jobid).sort(), jobids);
      assert.deepEqual(d.jobs.flatMap((j) => (j.uid === undefined ? [] : [j.uid])).sort(), uids);
    });
  }
  test('SLUID folders are reported apart, not as job ids', () => {
    const d = discoverJobs({ root: V2, node: 'other' });
    assert.deepEqual(d.sluids, ['s1A2B3C4D5E6F7']);
    assert.ok(!d.jobs.some((j) => j.jobid.startsWith('s')));
  });
  test('no cgroup tree: nothing, no error', () => {
    const d = discoverJobs({ root: testdata('root-rapl-amd'), node: 'n1' });
    assert.deepEqual(d, { jobs: [], sluids: [] });
  });
});

describe('readings', () => {
  test('v1 job 42 at job level (total_* lines, never summing steps)', () => {
    const job = discoverJobs({ root: V1, node: 'n1' }).jobs.find((j) => j.jobid === '42');
    assert.ok(job);
    const r = readJob(job, { pids: true });
    assert.equal(r.kind, 'ok');
    assert.deepEqual(r.kind === 'ok' && r.reading, {
      jobid: '42',
      uid: 1000,
      cpuSeconds: 73.418200511,
      cpus: [0, 1],
      memory: {
        usedBytes: 151900160 - 40960000,
        rssBytes: 98304000,
        limitBytes: 1048576000,
        peakBytes: 188416000,
        oomKills: 0,
      },
      pids: [2201, 2207, 2215, 2216],
    });
  });
  test('v1 unlimited sentinel omits the limit', () => {
    const { readings } = readJobs(discoverJobs({ root: V1, node: 'n1' }).jobs);
    const j43 = readings.find((r) => r.jobid === '43');
    assert.equal(j43?.memory?.limitBytes, undefined);
    assert.equal(j43?.cpus.join(), '1');
    assert.equal(j43?.pids, undefined, 'pids only when asked');
  });
  test('v2 job 100: usage_usec, effective cpuset, memory.current − inactive_file, peak', () => {
    const { readings, errors, vanished } = readJobs(discoverJobs({ root: V2, node: 'other' }).jobs, { pids: true });
    assert.deepEqual([errors.length, vanished.length], [0, 0]);
    const j = readings.find((r) => r.jobid === '100');
    assert.deepEqual(j, {
      jobid: '100',
      cpuSeconds: 8.28394,
      cpus: [0, 1, 2, 3, 8, 10, 11],
      memory: {
        usedBytes: 734003200 - 167772160,
        rssBytes: 402653184,
        limitBytes: 4294967296,
        peakBytes: 1073741824,
        oomKills: 0,
        pressure: 0.0087,
      },
      pids: [5090, 5095, 5101, 5110, 5120, 5130, 5131],
    });
  });
  test('v2 "max" limit, a kernel without memory.peak and without PSI: all three omitted', () => {
    const { readings } = readJobs(discoverJobs({ root: V2, node: 'other' }).jobs);
    const j = readings.find((r) => r.jobid === '101');
    assert.deepEqual(j?.memory, { usedBytes: 20971520 - 4194304, rssBytes: 8388608, oomKills: 0 });
  });
  test('a job that vanished between listing and reading', () => {
    const job = { jobid: '9', version: 2 as const, cpuDir: join(V2, 'nope'), memoryDir: join(V2, 'nope') };
    assert.deepEqual(readJob(job), { kind: 'vanished', jobid: '9' });
  });
});

describe('OOM kills and memory pressure', () => {
  test('v1: oom_kill of memory.oom_control summed over the job, its steps and tasks (v1 counts in the victim memcg only)', () => {
    const { readings } = readJobs(discoverJobs({ root: V1, node: 'n1' }).jobs);
    assert.deepEqual(
      readings.map((r) => [r.jobid, r.memory?.oomKills, r.memory?.pressure]),
      [
        ['42', 0, undefined],
        ['43', 1, undefined],
      ],
    );
  });
  test('v2: memory.events oom_kill and memory.pressure some avg60 as a ratio', () => {
    const { readings, errors } = readJobs(discoverJobs({ root: V2, node: 'n1' }).jobs);
    assert.deepEqual(errors, []);
    assert.deepEqual(readings[0]?.memory, {
      usedBytes: 268435456 - 33554432,
      rssBytes: 201326592,
      limitBytes: 536870912,
      peakBytes: 300000000,
      oomKills: 1,
      pressure: 0.0412,
    });
  });
  test('v1: a step that ended takes its kills along; the job is still read', () =>
    withCopy(V1, (tmp) => {
      rmSync(join(tmp, 'sys/fs/cgroup/memory/slurm_n1/uid_1001/job_43/step_batch'), { recursive: true });
      const { readings, errors } = readJobs(discoverJobs({ root: tmp, node: 'n1' }).jobs);
      assert.deepEqual(errors, []);
      assert.equal(readings.find((r) => r.jobid === '43')?.memory?.oomKills, 0);
    }));
  test('v1 before 4.13 (no oom_kill line): absent, not 0', () =>
    withCopy(V1, (tmp) => {
      const job = join(tmp, 'sys/fs/cgroup/memory/slurm_n1/uid_1001/job_43');
      for (const dir of ['', 'step_batch', 'step_batch/task_0'])
        writeFileSync(join(job, dir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\n');
      const { readings, errors } = readJobs(discoverJobs({ root: tmp, node: 'n1' }).jobs);
      assert.deepEqual(errors, []);
      const memory = readings.find((r) => r.jobid === '43')?.memory;
      assert.ok(memory && !('oomKills' in memory), JSON.stringify(memory));
    }));
  test('v2 without memory.pressure (PSI off): the job is read, pressure absent', () =>
    withCopy(V2, (tmp) => {
      rmSync(join(tmp, 'sys/fs/cgroup/system.slice/n1_slurmstepd.scope/job_200/memory.pressure'));
      const { readings, errors } = readJobs(discoverJobs({ root: tmp, node: 'n1' }).jobs);
      assert.deepEqual(errors, []);
      assert.deepEqual([readings[0]?.memory?.oomKills, readings[0]?.memory?.pressure], [1, undefined]);
    }));
  test('a PSI file the kernel refuses to read (EOPNOTSUPP, errno 95) or lacks is no data; other errors are errors', () => {
    const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });
    assert.deepEqual(
      ['ENOTSUP', 'EOPNOTSUPP', 'ENOENT', 'EACCES', 'EIO'].map((c) => psiUnavailable(errno(c))),
      [true, true, true, false, false],
    );
  });
});

describe('a file missing from a job folder that is still there is an error, not a vanished job', () => {
  test('v2: memory.stat gone while job_100 runs', () =>
    withCopy(V2, (tmp) => {
      rmSync(join(tmp, 'sys/fs/cgroup/system.slice/slurmstepd.scope/job_100/memory.stat'));
      const r = readJobs(discoverJobs({ root: tmp, node: 'other' }).jobs);
      assert.deepEqual(r.vanished, []);
      assert.deepEqual(
        r.errors.map((e) => e.jobid),
        ['100'],
      );
      assert.match(r.errors[0]!.error.message, /ENOENT.*job_100\/memory\.stat/);
    }));
  test('v1: a malformed memory.oom_control of a task is an error naming it', () =>
    withCopy(V1, (tmp) => {
      const path = join(tmp, 'sys/fs/cgroup/memory/slurm_n1/uid_1000/job_42/step_0/task_1/memory.oom_control');
      writeFileSync(path, 'oom_kill_disable 0\nunder_oom 0\noom_kill -\n');
      const r = readJobs(discoverJobs({ root: tmp, node: 'n1' }).jobs);
      assert.deepEqual(
        r.errors.map((e) => [e.jobid, e.error instanceof ParseError && e.error.source]),
        [['42', path]],
      );
    }));
  test('v1: memory.usage_in_bytes gone while job 42 runs', () =>
    withCopy(V1, (tmp) => {
      rmSync(join(tmp, 'sys/fs/cgroup/memory/slurm_n1/uid_1000/job_42/memory.usage_in_bytes'));
      const r = readJobs(discoverJobs({ root: tmp, node: 'n1' }).jobs);
      assert.deepEqual([r.vanished, r.errors.map((e) => e.jobid)], [[], ['42']]);
    }));
  test('v1: the job folder gone from one controller while listed in another is the job ending: vanished', () =>
    withCopy(V1, (tmp) => {
      const jobs = discoverJobs({ root: tmp, node: 'n1' }).jobs;
      rmSync(join(tmp, 'sys/fs/cgroup/memory/slurm_n1/uid_1000/job_42'), { recursive: true });
      const r = readJobs(jobs);
      assert.deepEqual([r.vanished, r.errors], [['42'], []]);
    }));
  test('an oversized file is an error naming it', () =>
    withCopy(V2, (tmp) => {
      const path = join(tmp, 'sys/fs/cgroup/system.slice/slurmstepd.scope/job_100/memory.stat');
      writeFileSync(path, 'anon 1\n'.repeat(20_000));
      const r = readJobs(discoverJobs({ root: tmp, node: 'other' }).jobs);
      assert.deepEqual(
        r.errors.map((e) => e.error.message),
        [`${path}: larger than 65536 bytes, not read`],
      );
    }));
});

describe('malformed files: only that job is skipped', () => {
  const cases: [string, string, string, string][] = [
    ['truncated cpu.stat', 'job_100/cpu.stat', 'usage_usec\n', 'cpu.stat'],
    ['garbage memory.stat', 'job_100/memory.stat', 'anon 1\ngarbage here\n', 'memory.stat'],
    ['memory.stat without inactive_file', 'job_100/memory.stat', 'anon 1\n', 'memory.stat'],
    ['bad cpuset', 'job_100/cpuset.cpus.effective', '0-x\n', 'cpuset.cpus.effective'],
    ['bad memory.max', 'job_100/memory.max', 'lots\n', 'memory.max'],
    ['bad memory.events', 'job_100/memory.events', 'oom 0\noom_kill many\n', 'memory.events'],
    ['truncated memory.pressure', 'job_100/memory.pressure', 'some avg10=0.00 avg60=\n', 'memory.pressure'],
  ];
  for (const [name, file, content, inPath] of cases) {
    test(name, () => {
      const tmp = mkdtempSync(join(tmpdir(), 'cg-'));
      try {
        cpSync(V2, tmp, { recursive: true });
        writeFileSync(join(tmp, 'sys/fs/cgroup/system.slice/slurmstepd.scope', file), content);
        const r = readJobs(discoverJobs({ root: tmp, node: 'other' }).jobs);
        assert.deepEqual(
          r.readings.map((x) => x.jobid),
          ['101'],
        );
        assert.equal(r.errors.length, 1);
        const err = r.errors[0]?.error;
        assert.ok(err instanceof ParseError);
        assert.ok(err.source.endsWith(inPath), err.source);
        assert.ok(err.source.includes('job_100'));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
