// Account state frames on /v1/stream (states=true): a live consumer follows an account's
// connection through its states without polling, with the last error when a login fails;
// consumers that did not ask, or follow other accounts, get none of them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, exampleAccount } from './helpers/api.js';
import { openStream, type StreamClient } from './helpers/stream.js';

let dovecot: Dovecot;
let server: RunningServer;
const opened: StreamClient[] = [];
const stream = async (query: string) => { const s = await openStream(server.url, query); opened.push(s); return s; };
const register = (account: string, pass = dovecot.password, port = dovecot.port) =>
  api(server.url, 'POST', '/v1/account', exampleAccount(account, { host: dovecot.host, port, user: dovecot.user('states'), pass }));
const statesOf = (s: StreamClient, account: string) => s.states.filter((f) => f.account === account).map((f) => f.state);
const settle = () => new Promise((r) => setTimeout(r, 300));

before(async () => {
  dovecot = await startDovecot();
  server = await startServer();
});
after(async () => {
  for (const s of opened) s.close();
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('states=true: a new account is followed through connecting to connected as frames, no polling', async () => {
  const own = await stream('states=true&account=st-ok');
  const all = await stream('states=true');
  const plain = await stream('account=st-ok');
  assert.equal((await register('st-ok')).status, 200);

  const connected = await own.waitForState((f) => f.account === 'st-ok' && f.state === 'connected', 10_000);
  const seen = statesOf(own, 'st-ok');
  assert.equal(seen[0], 'connecting');
  assert.equal(seen[seen.length - 1], 'connected');
  assert.ok(seen.indexOf('connecting') < seen.indexOf('connected'));
  assert.equal(connected.lastError, undefined, 'a good login leaves no error');
  assert.ok(Math.abs(Date.parse(connected.date) - Date.now()) < 60_000, 'date is the time of the change');
  assert.ok(own.states.every((f) => f.account === 'st-ok'));

  // without an account filter: every account's changes
  await all.waitForState((f) => f.account === 'st-ok' && f.state === 'connected', 5000);
  // without states=true: the events, and nothing else
  await plain.waitFor((e) => e.account === 'st-ok' && e.event === 'authenticationSuccess', 5000);
  await settle();
  assert.deepEqual(plain.states, []);
  assert.ok(plain.events.every((e) => !('kind' in e)));
  for (const s of [own, all, plain]) assert.deepEqual(s.problems, []);
});

test('an account filter keeps other accounts\' state frames out; a refused connection brings its error', async () => {
  const other = await stream('states=true&account=st-nowhere');
  const ok = await stream('states=true&account=st-ok');
  // nothing listens on port 1: connectError
  await register('st-nowhere', dovecot.password, 1);
  const failed = await other.waitForState((f) => f.state === 'connectError', 10_000);
  assert.equal(failed.account, 'st-nowhere');
  assert.ok(failed.lastError?.message, 'the reason comes with the frame');
  assert.ok(!Number.isNaN(Date.parse(failed.lastError.time)));
  await settle();
  assert.ok(other.states.every((f) => f.account === 'st-nowhere'));
  assert.deepEqual(statesOf(ok, 'st-nowhere'), [], 'a consumer of st-ok sees none of st-nowhere');
  assert.deepEqual(other.problems, []);
});

test('a wrong password: an authenticationError frame with the reason, never the password', async () => {
  const s = await stream('states=true&account=st-badpass');
  await register('st-badpass', 'wrong-Pa55word');
  const frame = await s.waitForState((f) => f.state === 'authenticationError', 10_000);
  assert.ok(frame.lastError?.message);
  assert.ok(!JSON.stringify(s.states).includes('wrong-Pa55word'));
  assert.deepEqual(statesOf(s, 'st-badpass').slice(0, 1), ['connecting']);
});

test('disabling and enabling an account: disabled, then connecting again up to connected', async () => {
  const s = await stream('states=true&account=st-ok');
  assert.equal((await api(server.url, 'PUT', '/v1/account/st-ok', { disabled: true })).status, 200);
  await s.waitForState((f) => f.state === 'disabled', 5000);
  assert.deepEqual(statesOf(s, 'st-ok'), ['disabled']);
  assert.equal((await api(server.url, 'PUT', '/v1/account/st-ok', { disabled: false })).status, 200);
  await s.waitForState((f) => f.state === 'connected', 10_000);
  const seen = statesOf(s, 'st-ok');
  assert.ok(seen.indexOf('disabled') < seen.indexOf('connecting') && seen.indexOf('connecting') < seen.indexOf('connected'), seen.join(' → '));
});

test('states must be a boolean', async () => {
  const status = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/stream?states=yes`);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('error', () => undefined);
  });
  assert.equal(status, 400);
});
