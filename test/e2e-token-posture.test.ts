// The default posture and the limits around API tokens: open with no token, refusing a
// non-loopback host without one unless --insecure, a CLI-made token (also while the server
// runs), failed attempts limited per address (429 + Retry-After), --token-rate, expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDir, runToExit, startServer } from './helpers/server.js';
import { call, cliList, cliToken } from './helpers/auth.js';
import { eventually } from './helpers/api.js';

test('a non-loopback host with no token refuses to start, saying how to make one; --insecure starts open', async () => {
  const refused = await runToExit({ args: ['--host', '0.0.0.0'] });
  assert.equal(refused.code, 1);
  assert.match(refused.output, /refusing to listen on 0\.0\.0\.0 with no API token/);
  assert.match(refused.output, /imapapi token create --scopes admin/);
  await removeDir(refused.dataDir);

  const open = await startServer({ shards: 1, args: ['--host', '0.0.0.0', '--insecure'] });
  try {
    assert.equal((await call(open.url, 'GET', '/v1/accounts')).status, 200, 'open: no token needed');
  } finally {
    await open.stop();
    await removeDir(open.dataDir);
  }
});

test('a token made by the CLI lets the server start on 0.0.0.0, and then every route but /health needs it', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'imapapi-data-'));
  const made = cliToken(dataDir, ['--scopes', 'api,admin', '--description', 'first']);
  assert.equal(made.status, 0, made.stderr);
  assert.match(made.token, /^[A-Za-z0-9_-]{43}$/);
  assert.match(made.stderr, /shown only this once/);
  const listed = cliList(dataDir);
  assert.equal(listed.status, 0);
  assert.ok(!listed.stdout.includes(made.token), 'token list never shows the token');
  assert.deepEqual(JSON.parse(listed.stdout).tokens.map((t: { description: string; scopes: string[] }) => [t.description, t.scopes]), [['first', ['api', 'admin']]]);

  const server = await startServer({ shards: 1, dataDir, args: ['--host', '0.0.0.0'] });
  try {
    assert.equal((await call(server.url, 'GET', '/health')).status, 200);
    assert.equal((await call(server.url, 'GET', '/v1/accounts')).status, 401);
    assert.equal((await call(server.url, 'GET', '/v1/accounts', { token: made.token })).status, 200);
    assert.ok(!server.output().includes(made.token));
  } finally {
    await server.stop();
    await removeDir(dataDir);
  }
});

test('the CLI makes a token while the server runs: the open API closes and the new token works', async () => {
  const server = await startServer({ shards: 1 });
  try {
    assert.equal((await call(server.url, 'GET', '/v1/accounts')).status, 200);
    const made = cliToken(server.dataDir, ['--scopes', 'api']);
    assert.equal(made.status, 0, made.stderr);
    assert.equal((await call(server.url, 'GET', '/v1/accounts', { token: made.token })).status, 200, 'read from disk on first use');
    await eventually(async () => (await call(server.url, 'GET', '/v1/accounts')).status === 401, 5000, 'the API to close');
  } finally {
    await server.stop();
    await removeDir(server.dataDir);
  }
});

test('failed attempts from one address: 429 with Retry-After after 10 a minute, a good token still passes', async () => {
  const server = await startServer({ shards: 1 });
  try {
    const admin = (await call(server.url, 'POST', '/v1/token', { body: { description: 'admin', scopes: ['admin'] } })).body.token as string;
    for (let i = 0; i < 10; i++) assert.equal((await call(server.url, 'GET', '/v1/accounts', { token: `bad-${i}` })).status, 401, `attempt ${i + 1}`);
    const r = await call(server.url, 'GET', '/v1/accounts', { token: 'bad-11' });
    assert.equal(r.status, 429);
    assert.equal(r.body.code, 'TooManyRequests');
    const wait = Number(r.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${r.headers.get('retry-after')}`);
    assert.equal((await call(server.url, 'GET', '/v1/accounts')).status, 429, 'no token counts as a failure too');
    assert.equal((await call(server.url, 'GET', '/v1/accounts', { token: admin })).status, 200, 'a known token is not locked out');
  } finally {
    await server.stop();
    await removeDir(server.dataDir);
  }
});

test('--token-rate: requests over the rate of one token are 429 with Retry-After; another token is not slowed', async () => {
  const server = await startServer({ shards: 1, args: ['--token-rate', '5'] });
  try {
    const admin = (await call(server.url, 'POST', '/v1/token', { body: { description: 'admin', scopes: ['admin'] } })).body.token as string;
    const a = (await call(server.url, 'POST', '/v1/token', { token: admin, body: { description: 'a', scopes: ['api'] } })).body.token as string;
    const b = (await call(server.url, 'POST', '/v1/token', { token: admin, body: { description: 'b', scopes: ['api'] } })).body.token as string;
    const burst = await Promise.all(Array.from({ length: 20 }, () => call(server.url, 'GET', '/v1/accounts', { token: a })));
    const limited = burst.filter((r) => r.status === 429);
    assert.ok(limited.length >= 10, `${limited.length} of 20 refused`);
    assert.ok(burst.filter((r) => r.status === 200).length >= 5);
    assert.equal(limited[0]!.headers.get('retry-after'), '1');
    assert.equal((await call(server.url, 'GET', '/v1/accounts', { token: b })).status, 200);
  } finally {
    await server.stop();
    await removeDir(server.dataDir);
  }
});

test('an expired token is a 401 saying so', async () => {
  const server = await startServer({ shards: 1 });
  try {
    const admin = (await call(server.url, 'POST', '/v1/token', { body: { description: 'admin', scopes: ['admin'] } })).body.token as string;
    const expires = new Date(Date.now() + 1500).toISOString();
    const short = await call(server.url, 'POST', '/v1/token', { token: admin, body: { description: 'short', scopes: ['api'], expires } });
    assert.equal(short.body.expires, expires);
    assert.equal((await call(server.url, 'GET', '/v1/accounts', { token: short.body.token })).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    const late = await call(server.url, 'GET', '/v1/accounts', { token: short.body.token });
    assert.equal(late.status, 401);
    assert.match(late.body.message, /expired/);
  } finally {
    await server.stop();
    await removeDir(server.dataDir);
  }
});
