// Accounts API end to end: the built server as a child process against a real Dovecot.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

let dovecot: Dovecot;
let server: RunningServer;
const get = (path: string) => api(server.url, 'GET', path);
const stateOf = async (account: string) => (await get(`/v1/account/${encodeURIComponent(account)}`)).body.state as string;
const reaches = (account: string, state: string, ms = 10_000) => eventually(async () => (await stateOf(account)) === state, ms, `${account} → ${state}`);

// The registration example from the original IMAP API's documentation, verbatim but for host
// and port: implicit TLS on 993 becomes the test Dovecot's TLS port with its own certificate.
const DOCUMENTED = `{"account":"example","name":"My Example Account","imap":{"host":"imap.gmail.com","port":993,"secure":true,"auth":{"user":"myuser@gmail.com","pass":"verysecret"}},"smtp":{"host":"smtp.gmail.com","port":465,"secure":true,"auth":{"user":"myuser@gmail.com","pass":"verysecret"}}}`;

before(async () => {
  dovecot = await startDovecot({ tls: true, password: 'verysecret' });
  server = await startServer({ env: { NODE_EXTRA_CA_CERTS: dovecot.caFile } });
});
after(async () => {
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

describe('registering', () => {
  test('the documented request reaches connected over TLS; settings come back without the password', async () => {
    const body = DOCUMENTED.replace('"imap.gmail.com","port":993', `"${dovecot.host}","port":${dovecot.tlsPort}`);
    const res = await api(server.url, 'POST', '/v1/account', body);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { account: 'example', state: 'new' });
    await reaches('example', 'connected');
    const view = (await get('/v1/account/example')).body;
    assert.equal(view.name, 'My Example Account');
    assert.deepEqual(view.imap, { host: dovecot.host, port: dovecot.tlsPort, secure: true, auth: { user: 'myuser@gmail.com' } });
    assert.equal(view.smtp.host, 'smtp.gmail.com');
    assert.ok(!('lastError' in view), 'no lastError while connected');
    assert.equal(view.counters.connects, 1);
    assert.ok(!JSON.stringify(view).includes(dovecot.password), 'password in the response');
  });

  test('posting an existing id replaces it', async () => {
    const body = exampleAccount('example', { host: dovecot.host, port: dovecot.port, user: dovecot.user('acc'), pass: dovecot.password });
    body.name = 'Renamed';
    const res = await api(server.url, 'POST', '/v1/account', body);
    assert.deepEqual(res.body, { account: 'example', state: 'existing' });
    const view = (await get('/v1/account/example')).body;
    assert.equal(view.name, 'Renamed');
    assert.equal(view.imap.auth.user, body.imap.auth.user);
    await reaches('example', 'connected');
  });

  test('ids with spaces, slashes and non-ASCII work in paths', async () => {
    const id = 'Tõnu / support@example.com';
    await api(server.url, 'POST', '/v1/account', exampleAccount(id, { host: dovecot.host, port: dovecot.port, user: dovecot.user('acc'), pass: dovecot.password }));
    await reaches(id, 'connected');
    assert.equal((await get(`/v1/account/${encodeURIComponent(id)}`)).body.account, id);
  });
});

describe('connection states', () => {
  test('a wrong password → authenticationError with a readable reason and no retry storm', async () => {
    const user = dovecot.user('badpass');
    await api(server.url, 'POST', '/v1/account', exampleAccount('badpass', { host: dovecot.host, port: dovecot.port, user, pass: 'wrong-password' }));
    await reaches('badpass', 'authenticationError');
    await new Promise((r) => setTimeout(r, 3000));
    const view = (await get('/v1/account/badpass')).body;
    assert.equal(view.state, 'authenticationError');
    assert.match(view.lastError.message, /Authentication failed/);
    assert.ok(!view.lastError.message.includes('wrong-password'));
    assert.equal(view.counters.authErrors, 1, 'one login attempt in 3 s, not a storm');
    const log = await readFile(join(dovecot.root, 'dovecot.log'), 'utf8');
    const attempts = log.split('\n').filter((l) => l.includes(`user=<${user}>`) && /auth failed/i.test(l)).length;
    assert.equal(attempts, 1, 'Dovecot saw one failed login');

    // fixing only the password reconnects at once
    const fix = await api(server.url, 'PUT', '/v1/account/badpass', { imap: { auth: { pass: dovecot.password } } });
    assert.deepEqual(fix.body, { account: 'badpass', updated: true });
    await reaches('badpass', 'connected');
    assert.ok(!('lastError' in (await get('/v1/account/badpass')).body), 'lastError gone once connected');
  });

  test('an unreachable server → connectError with the network reason', async () => {
    await api(server.url, 'POST', '/v1/account', exampleAccount('nowhere', { host: '127.0.0.1', port: 1, user: 'u', pass: 'p' }));
    await reaches('nowhere', 'connectError');
    const view = (await get('/v1/account/nowhere')).body;
    assert.match(view.lastError.message, /ECONNREFUSED/);
    // retries go on (1 s, 2 s, …) but the trouble is announced once, not per retry
    await eventually(async () => (await get('/v1/account/nowhere')).body.counters.connectErrors >= 2, 8000, 'a retry');
    const events = (await get('/v1/events?account=nowhere')).body.events.map((e: { event: string }) => e.event);
    assert.deepEqual(events, ['accountAdded', 'connectError']);
  });

  test('disabled accounts do not connect until enabled again', async () => {
    const body = { ...exampleAccount('paused', { host: dovecot.host, port: dovecot.port, user: dovecot.user('p'), pass: dovecot.password }), disabled: true };
    await api(server.url, 'POST', '/v1/account', body);
    await reaches('paused', 'disabled');
    assert.equal((await get('/v1/account/paused')).body.counters.connects, 0);
    await api(server.url, 'PUT', '/v1/account/paused', { disabled: false });
    await reaches('paused', 'connected');
  });

  test('a partial update that does not touch IMAP keeps the connection; reconnect makes a new one', async () => {
    const before = (await get('/v1/account/example')).body;
    await api(server.url, 'PUT', '/v1/account/example', { name: 'Only the name' });
    const after = (await get('/v1/account/example')).body;
    assert.equal(after.name, 'Only the name');
    assert.deepEqual(after.imap, before.imap);
    assert.equal(after.counters.connects, before.counters.connects);
    assert.equal(after.state, 'connected');
    // the original's body: `reconnect: false` does nothing, no body or true reconnects
    assert.deepEqual((await api(server.url, 'PUT', '/v1/account/example/reconnect', { reconnect: false })).body, { account: 'example', reconnect: false });
    assert.equal((await get('/v1/account/example')).body.counters.connects, before.counters.connects);
    assert.equal((await api(server.url, 'PUT', '/v1/account/ghost/reconnect', { reconnect: false })).status, 404);
    assert.deepEqual((await api(server.url, 'PUT', '/v1/account/example/reconnect')).body, { account: 'example', reconnect: true });
    await eventually(async () => (await get('/v1/account/example')).body.counters.connects === before.counters.connects + 1, 10_000, 'a new login');
    await reaches('example', 'connected');
  });
});

describe('listing and stats', () => {
  test('pages in id order and filters by state', async () => {
    const all = (await get('/v1/accounts?pageSize=1000')).body;
    const ids = all.accounts.map((a: { account: string }) => a.account);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(all.total, ids.length);
    const page = (await get('/v1/accounts?page=1&pageSize=2')).body;
    assert.deepEqual(page.accounts.map((a: { account: string }) => a.account), ids.slice(2, 4));
    assert.equal(page.pages, Math.ceil(ids.length / 2));
    assert.deepEqual((await get('/v1/accounts?page=99')).body.accounts, []);
    const failing = (await get('/v1/accounts?state=connectError')).body;
    assert.deepEqual(failing.accounts.map((a: { account: string }) => a.account), ['nowhere']);
    assert.equal(failing.accounts[0].lastError.code, 'ECONNREFUSED');
    assert.equal(failing.accounts[0].lastError.serverResponseCode, 'ECONNREFUSED');
    assert.equal(failing.accounts[0].lastError.response, failing.accounts[0].lastError.message);
  });

  test('stats count accounts by state', async () => {
    const stats = (await get('/v1/stats')).body;
    const total = (await get('/v1/accounts')).body.total;
    assert.equal(stats.accounts, total);
    assert.equal(stats.connections.connectError, 1);
    assert.equal(stats.connections.unset, 0);
    assert.equal(stats.license, 'MIT');
    assert.equal(stats.shards.length, 2);
    assert.match(stats.version, /^\d+\.\d+\.\d+/);
    assert.equal(stats.node, process.version);
    const health = await get('/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
  });
});
