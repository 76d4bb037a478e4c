import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ctldConfigSchema } from '@slurmscope/common';
import { AgentTokens, deriveNodeToken } from './agent-tokens.js';
import { loadAuthSettings } from './load.js';

const SECRET = 'cluster-secret';
const as = (node: string | undefined, token: string | undefined): Record<string, string> => ({
  ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  ...(node === undefined ? {} : { 'x-slurmscope-node': node }),
});
const outcome = (tokens: AgentTokens, headers: Record<string, string>): string => {
  const r = tokens.check(headers);
  return r.ok ? `ok${r.node === undefined ? '' : ` as ${r.node}`}` : r.reason;
};

test('deriveNodeToken: HMAC-SHA256(secret, node) in hex, as the documented openssl line computes it', (t) => {
  assert.equal(deriveNodeToken('key', 'The quick brown fox jumps over the lazy dog').length, 64);
  // RFC 4231-style known answer (Wikipedia's HMAC example).
  assert.equal(
    deriveNodeToken('key', 'The quick brown fox jumps over the lazy dog'),
    'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
  );
  const dir = mkdtempSync(join(tmpdir(), 'ctld-hmac-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'agent.token'), `${SECRET}\n`, { mode: 0o600 });
  // The line the README gives the admin, run as is.
  const openssl = execFileSync(
    'sh',
    ['-c', `printf %s n1 | openssl dgst -sha256 -hmac "$(cat agent.token)" | sed 's/^.*= //'`],
    { cwd: dir, encoding: 'utf8' },
  ).trim();
  assert.equal(openssl, deriveNodeToken(SECRET, 'n1'));
});

const CASES: ReadonlyArray<{ mode: 'shared' | 'hmac' | 'files'; headers: Record<string, string>; want: string }> = [
  { mode: 'shared', headers: as(undefined, SECRET), want: 'ok' },
  { mode: 'shared', headers: as('n2', SECRET), want: 'ok' },
  { mode: 'shared', headers: as(undefined, 'nope'), want: 'wrong bearer token' },
  { mode: 'hmac', headers: as('n1', deriveNodeToken(SECRET, 'n1')), want: 'ok as n1' },
  { mode: 'hmac', headers: as('n2', deriveNodeToken(SECRET, 'n1')), want: 'wrong bearer token for this node' },
  { mode: 'hmac', headers: as('n1', SECRET), want: 'wrong bearer token for this node' },
  {
    mode: 'hmac',
    headers: as(undefined, deriveNodeToken(SECRET, 'n1')),
    want: 'per-node agent tokens: the x-slurmscope-node header is missing',
  },
  { mode: 'hmac', headers: as('n1', undefined), want: 'missing bearer token' },
  { mode: 'files', headers: as('n1', 'tok-n1'), want: 'ok as n1' },
  { mode: 'files', headers: as('n2', 'tok-n1'), want: 'wrong bearer token for this node' },
  { mode: 'files', headers: as('n9', 'tok-n1'), want: 'wrong bearer token for this node' },
];

for (const c of CASES) {
  test(`AgentTokens ${c.mode}: ${JSON.stringify(c.headers)} -> ${c.want}`, () => {
    const tokens = new AgentTokens({
      mode: c.mode,
      secret: c.mode === 'files' ? undefined : SECRET,
      nodeTokens:
        c.mode === 'files'
          ? new Map([
              ['n1', 'tok-n1'],
              ['n2', 'tok-n2'],
            ])
          : undefined,
    });
    assert.equal(tokens.required, true);
    assert.equal(outcome(tokens, c.headers), c.want);
  });
}

test('AgentTokens: shared mode without a secret lets every report in', () => {
  const open = new AgentTokens({ mode: 'shared' });
  assert.equal(open.required, false);
  assert.equal(outcome(open, {}), 'ok');
});

test('loadAuthSettings: per-node token files, hmac needs the secret, files needs the directory', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ctld-agent-tokens-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  writeFileSync(join(tokens, 'n1'), 'tok-n1\n', { mode: 0o600 });
  writeFileSync(join(tokens, 'n2'), 'tok-n2', { mode: 0o600 });
  writeFileSync(join(tokens, '.n3.swp'), 'x', { mode: 0o600 });
  mkdirSync(join(tokens, 'old'));
  const cfg = (auth: Record<string, unknown>) => ctldConfigSchema.parse({ auth });
  const files = loadAuthSettings(cfg({ agentAuth: 'files', agentTokenDir: tokens }), {});
  assert.deepEqual(
    [...(files.agentNodeTokens ?? [])],
    [
      ['n1', 'tok-n1'],
      ['n2', 'tok-n2'],
    ],
  );
  assert.equal(files.agentToken, undefined, 'files mode has no shared token');

  const hmac = loadAuthSettings(cfg({ agentAuth: 'hmac' }), { SLURMSCOPE_AGENT_TOKEN: SECRET });
  assert.equal(hmac.agentAuth, 'hmac');
  assert.equal(hmac.agentToken, SECRET);

  const key = (e: unknown) => (e instanceof ConfigError ? `${e.key}: ${e.reason}` : String(e));
  assert.throws(
    () => loadAuthSettings(cfg({ agentAuth: 'hmac' }), {}),
    (e) => /^auth\.agentAuth: hmac/.test(key(e)),
  );
  assert.throws(
    () => loadAuthSettings(cfg({ agentAuth: 'files' }), {}),
    (e) => /^auth\.agentAuth: files/.test(key(e)),
  );
  writeFileSync(join(tokens, 'n4'), 'tok-n4', { mode: 0o644 });
  assert.throws(
    () => loadAuthSettings(cfg({ agentAuth: 'files', agentTokenDir: tokens }), {}),
    (e) => /^auth\.agentTokenDir: secret file is accessible by group\/others/.test(key(e)),
  );
  assert.throws(
    () => loadAuthSettings(cfg({ agentAuth: 'files', agentTokenDir: join(dir, 'absent') }), {}),
    (e) => /^auth\.agentTokenDir: cannot read the token directory \(ENOENT\)/.test(key(e)),
  );
  assert.throws(() => cfg({ agentAuth: 'perNode' }), /Invalid enum value/);
});
