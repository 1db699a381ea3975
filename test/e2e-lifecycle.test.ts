// Restarts and outages: accounts survive a server restart and reconnect by themselves, the
// password never shows up on disk, in logs or in responses, and shutdown is clean and quick.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

// a password no other bytes would contain by chance
const PASSWORD = 'Zq7-unique-pässword-91xk';
let dovecot: Dovecot;
let server: RunningServer;
let dataDir = '';
const outputs: string[] = [];
const responses: string[] = [];

async function call(method: string, path: string, body?: unknown) {
  const res = await api(server.url, method, path, body);
  responses.push(JSON.stringify(res.body));
  return res;
}
const stateOf = async (account: string) => (await call('GET', `/v1/account/${account}`)).body.state as string;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

before(async () => {
  dovecot = await startDovecot({ password: PASSWORD });
  server = await startServer();
  dataDir = server.dataDir;
});
after(async () => {
  await server?.stop();
  await dovecot?.close();
  await removeDir(dataDir);
});

test('accounts survive a restart and reconnect by themselves; shutdown is quick and clean', async () => {
  const users = new Map<string, string>();
  for (const id of ['alpha', 'beta', 'gamma']) {
    users.set(id, dovecot.user(id));
    await call('POST', '/v1/account', exampleAccount(id, { host: dovecot.host, port: dovecot.port, user: users.get(id)!, pass: PASSWORD }));
  }
  for (const id of ['alpha', 'beta', 'gamma']) await eventually(async () => (await stateOf(id)) === 'connected', 10_000, id);

  const { code, ms } = await server.stop('SIGTERM');
  outputs.push(server.output());
  assert.equal(code, 0);
  assert.ok(ms < 5000, `shutdown took ${ms} ms`);
  const log = await readFile(join(dovecot.root, 'dovecot.log'), 'utf8');
  for (const id of ['alpha', 'beta', 'gamma']) {
    assert.ok(log.split('\n').some((l) => l.includes(`imap(${users.get(id)})`) && /Logged out/.test(l)), `LOGOUT for ${id}`);
  }

  server = await startServer({ dataDir });
  for (const id of ['alpha', 'beta', 'gamma']) await eventually(async () => (await stateOf(id)) === 'connected', 10_000, id);
  const list = (await call('GET', '/v1/accounts')).body;
  assert.deepEqual(list.accounts.map((a: { account: string }) => a.account), ['alpha', 'beta', 'gamma']);
});

test('an IMAP server outage: accounts notice and come back to connected by themselves', async () => {
  await dovecot.stop();
  await eventually(async () => ['disconnected', 'connectError', 'connecting'].includes(await stateOf('alpha')), 10_000, 'outage noticed');
  await new Promise((r) => setTimeout(r, 1500));
  assert.notEqual(await stateOf('alpha'), 'connected');
  await dovecot.start();
  for (const id of ['alpha', 'beta', 'gamma']) await eventually(async () => (await stateOf(id)) === 'connected', 20_000, `${id} back`);
  const view = (await call('GET', '/v1/account/alpha')).body;
  assert.ok(view.counters.disconnects >= 1);
  assert.ok(!('lastError' in view), 'lastError gone once reconnected');
});

test('SIGINT shuts down cleanly too', async () => {
  const { code } = await server.stop('SIGINT');
  outputs.push(server.output());
  assert.equal(code, 0);
  server = await startServer({ dataDir });
  await eventually(async () => (await stateOf('alpha')) === 'connected', 10_000);
});

test('the password is not readable in the data dir, the logs or any response', async () => {
  await server.stop();
  outputs.push(server.output());
  const needle = Buffer.from(PASSWORD);
  const files = await filesUnder(dataDir);
  assert.ok(files.some((f) => f.endsWith('.mdb')), `LMDB files in ${files.join(', ')}`);
  for (const file of files) assert.equal((await readFile(file)).indexOf(needle), -1, `password in ${file}`);
  assert.ok(outputs.join('').length > 0);
  assert.ok(!outputs.join('\n').includes(PASSWORD), 'password in the log');
  assert.ok(responses.length > 10);
  assert.ok(!responses.join('\n').includes(PASSWORD), 'password in a response');
  server = await startServer({ dataDir });
});

test('a store moved without its key: refuses to start; with another secret the accounts wait for new passwords', async () => {
  await server.stop();
  const { cpSync, rmSync } = await import('node:fs');
  const copy = `${dataDir}-copy`;
  cpSync(dataDir, copy, { recursive: true });
  rmSync(join(copy, 'secret.key'));
  const refused = await startServer({ dataDir: copy }).then((s) => s.stop().then(() => 'started'), (err: Error) => err.message);
  assert.match(refused, /holds a store but no secret\.key/);

  server = await startServer({ dataDir: copy, args: ['--secret', 'a-different-secret-of-some-length'] });
  await eventually(async () => (await stateOf('alpha')) === 'authenticationError', 10_000, 'key mismatch noticed');
  const view = (await call('GET', '/v1/account/alpha')).body;
  assert.equal(view.lastError.code, 'KeyMismatch');
  assert.match(view.lastError.message, /cannot be decrypted/);
  assert.equal((await call('GET', '/health')).body.status, 'ok', 'no shard crashed over it');
  await call('PUT', '/v1/account/alpha', { imap: { auth: { pass: PASSWORD } } });
  await eventually(async () => (await stateOf('alpha')) === 'connected', 10_000, 'fixed by a new password');
  await server.stop();
  outputs.push(server.output());
  rmSync(copy, { recursive: true, force: true });
  server = await startServer({ dataDir });
});
