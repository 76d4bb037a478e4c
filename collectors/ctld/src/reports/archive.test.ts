import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RecordingLogger } from '@slurmscope/model';
import { LocalArchive, type LocalArchiveOptions } from './archive.js';
import { parseIndex } from './index-file.js';
import { sampleReport } from './testkit.js';

const T = Date.parse('2026-03-01T12:00:00Z');

interface Fresh {
  dir: string;
  log: RecordingLogger;
  /** The (path, uid) of every read access granted. */
  grants: [string, number][];
  open: (over?: Partial<LocalArchiveOptions>) => Promise<LocalArchive>;
}

async function fresh(): Promise<Fresh> {
  const dir = mkdtempSync(join(tmpdir(), 'archive-'));
  const log = new RecordingLogger();
  const grants: [string, number][] = [];
  const grantRead = (path: string, uid: number): Promise<void> => (grants.push([path, uid]), Promise.resolve());
  return {
    dir,
    log,
    grants,
    open: (over) => LocalArchive.open({ dir, cluster: 'testcluster', log, grantRead, ...over }),
  };
}

test('put: gzipped JSON at <dir>/<cluster>/<jobid>.json.gz, mode 0640, no temporary file left', async () => {
  const { dir, open } = await fresh();
  const a = await open();
  const r = sampleReport({ jobid: '42', user: 'alice', endMs: T });
  assert.equal(await a.put(r), 'written');
  const file = join(dir, 'testcluster', '42.json.gz');
  assert.equal(statSync(file).mode & 0o777, 0o640);
  assert.deepEqual(JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')), r);
  assert.deepEqual(readdirSync(join(dir, 'testcluster')).sort(), ['42.json.gz', 'aliases', 'index.jsonl']);
  assert.equal(statSync(join(dir, 'testcluster')).mode & 0o777, 0o711);
  assert.deepEqual(await a.get('42'), r);
  assert.equal(await a.get('43'), undefined);
  assert.equal(await a.get('../etc/passwd'), undefined, 'a malformed id is no path');
  await a.close();
});

test('put: written once; a second write of the same job is refused and logged', async () => {
  const { dir, log, open } = await fresh();
  const a = await open();
  const r = sampleReport({ jobid: '42', user: 'alice', endMs: T });
  await a.put(r);
  const before = readFileSync(join(dir, 'testcluster', '42.json.gz'));
  assert.equal(await a.put({ ...r, user: 'mallory' }), 'exists');
  assert.deepEqual(readFileSync(join(dir, 'testcluster', '42.json.gz')), before);
  assert.ok(log.records.some((x) => x.level === 'warn' && /not overwritten/.test(x.msg)));
  // Also across a restart (a fresh index from the file system), and when the index misses it.
  const b = await open();
  assert.equal(await b.put({ ...r, user: 'mallory' }), 'exists');
  assert.equal((await b.get('42'))?.user, 'alice');
  await assert.rejects(b.put({ ...r, jobid: '4/2' }), /bad job id/);
});

test('aliases and list: array/het names resolve, newest first, by user, limited', async () => {
  const { open } = await fresh();
  const a = await open();
  await a.put(sampleReport({ jobid: '13', displayId: '8_1', user: 'alice', endMs: T }));
  await a.put(sampleReport({ jobid: '11', displayId: '10+1', user: 'bob', endMs: T + 1000 }));
  await a.put(sampleReport({ jobid: '20', user: 'alice', endMs: T + 2000 }));
  assert.equal((await a.get('8_1'))?.jobid, '13');
  assert.equal((await a.get('10+1'))?.jobid, '11');
  assert.deepEqual(
    (await a.list({})).map((e) => e.jobid),
    ['20', '11', '13'],
  );
  assert.deepEqual(
    (await a.list({ user: 'alice' })).map((e) => e.display_id),
    ['20', '8_1'],
  );
  assert.deepEqual(
    (await a.list({ limit: 1 })).map((e) => e.jobid),
    ['20'],
  );
});

test('index: rebuilt from the reports when missing, corrupt, or short of a report', async () => {
  const { dir, log, open } = await fresh();
  const a = await open();
  await a.put(sampleReport({ jobid: '1', user: 'alice', endMs: T }));
  await a.put(sampleReport({ jobid: '2', displayId: '1_7', user: 'bob', endMs: T + 1 }));
  const index = join(dir, 'testcluster', 'index.jsonl');
  const good = readFileSync(index, 'utf8');
  assert.equal(parseIndex(good).entries.length, 2);

  unlinkSync(index);
  let b = await open();
  assert.deepEqual(
    (await b.list({})).map((e) => e.jobid),
    ['2', '1'],
  );
  assert.equal((await b.get('1_7'))?.jobid, '2');

  appendFileSync(index, '{"jobid":"3","disp'); // a crash mid-append
  b = await open();
  assert.equal(parseIndex(readFileSync(index, 'utf8')).corrupt, false);
  assert.equal((await b.list({})).length, 2);

  writeFileSync(index, good.split('\n')[0] + '\n'); // one report not indexed
  b = await open();
  assert.equal((await b.list({})).length, 2);
  assert.equal(statSync(index).mode & 0o777, 0o640);
  assert.equal(log.records.filter((x) => /rebuilding the report index/.test(x.msg)).length, 3);
});

test('parseIndex: good, empty and malformed lines', () => {
  const line = JSON.stringify({
    jobid: '1',
    display_id: '1',
    user: 'u',
    state: 'COMPLETED',
    end_time: null,
    written_at: 'x',
  });
  const cases: [string, string, number, boolean][] = [
    ['empty', '', 0, false],
    ['one', `${line}\n`, 1, false],
    ['no final newline', line, 0, true],
    ['garbage line', `${line}\nnope\n`, 1, true],
    ['wrong shape', `${line}\n{"jobid":"x/../1"}\n`, 1, true],
  ];
  for (const [name, text, n, corrupt] of cases) {
    const r = parseIndex(text);
    assert.equal(r.entries.length, n, name);
    assert.equal(r.corrupt, corrupt, name);
  }
});
