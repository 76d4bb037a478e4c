import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@slurmscope/model';
import { HookUnreachableError, sendHook } from './client.js';
import { startHookServer, type HookHandler } from './server.js';

/** Sends raw text and returns the first reply line. */
function raw(path: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path, () => c.write(text));
    let buf = '';
    c.setEncoding('utf8');
    c.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) {
        c.destroy();
        resolve(buf.split('\n')[0] ?? '');
      }
    });
    c.on('error', reject);
  });
}

describe('hook server and client over a real socket', () => {
  let dir: string;
  let sock: string;
  const calls: unknown[] = [];
  const handler: HookHandler = {
    prolog: (m) => {
      calls.push(['prolog', m]);
      if (m.jobid === '13') throw new Error('restore failed on cpu 3');
    },
    epilog: (m) => calls.push(['epilog', m]),
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hooks-'));
    sock = join(dir, 'run/slurmscope/agent.sock');
    calls.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('root-only socket: directory 0700, socket 0600; requests reach the handler', async () => {
    const server = await startHookServer({ socketPath: sock, handler, log: new RecordingLogger() });
    try {
      assert.equal(statSync(join(dir, 'run/slurmscope')).mode & 0o777, 0o700);
      const st = lstatSync(sock);
      assert.ok(st.isSocket());
      assert.equal(st.mode & 0o777, 0o600);
      assert.deepEqual(await sendHook(sock, { op: 'prolog', jobid: '42', cpus: [0, 1] }, 1000), { ok: true });
      assert.deepEqual(await sendHook(sock, { op: 'epilog', jobid: '42' }, 1000), { ok: true });
      assert.deepEqual(calls, [
        ['prolog', { jobid: '42', cpus: [0, 1] }],
        ['epilog', { jobid: '42' }],
      ]);
      assert.deepEqual(await sendHook(sock, { op: 'prolog', jobid: '13' }, 1000), {
        ok: false,
        error: 'restore failed on cpu 3',
      });
      assert.match(await raw(sock, 'hello\n'), /"ok":false.*not JSON/);
    } finally {
      await server.close();
    }
    assert.throws(() => lstatSync(sock), /ENOENT/, 'socket removed on close');
  });

  test('a stale socket (SIGKILLed agent) is replaced; a live one is refused', async () => {
    const script = `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, 'SIGKILL'))`;
    mkdirSync(join(dir, 'run/slurmscope'), { recursive: true });
    spawnSync(process.execPath, ['-e', script]);
    assert.ok(lstatSync(sock).isSocket(), 'stale socket left behind');
    await assert.rejects(
      sendHook(sock, { op: 'epilog', jobid: '1' }, 500),
      (e: unknown) => e instanceof HookUnreachableError && e.code === 'ECONNREFUSED',
    );
    const server = await startHookServer({ socketPath: sock, handler, log: new RecordingLogger() });
    try {
      assert.deepEqual(await sendHook(sock, { op: 'epilog', jobid: '1' }, 1000), { ok: true });
      await assert.rejects(
        startHookServer({ socketPath: sock, handler, log: new RecordingLogger() }),
        /another process is listening/,
      );
    } finally {
      await server.close();
    }
  });

  test('client: no socket is ENOENT; a server that never answers times out on time', async () => {
    await assert.rejects(
      sendHook(sock, { op: 'epilog', jobid: '1' }, 500),
      (e: unknown) => e instanceof HookUnreachableError && e.code === 'ENOENT',
    );
    mkdirSync(join(dir, 'run/slurmscope'), { recursive: true });
    const conns: Socket[] = [];
    const silent: Server = createServer((c) => conns.push(c));
    await new Promise<void>((resolve) => silent.listen(sock, resolve));
    try {
      const t0 = performance.now();
      await assert.rejects(
        sendHook(sock, { op: 'prolog', jobid: '1' }, 300),
        (e: unknown) => e instanceof HookUnreachableError && e.code === 'ETIMEDOUT',
      );
      const took = performance.now() - t0;
      assert.ok(took >= 290 && took < 1000, `took ${took} ms`);
    } finally {
      for (const c of conns) c.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
