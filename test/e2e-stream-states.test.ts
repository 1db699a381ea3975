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
  await s.waitForState((f) => f.state === 'connected', 5000, 'the snapshot');
  assert.equal((await api(server.url, 'PUT', '/v1/account/st-ok', { disabled: true })).status, 200);
  await s.waitForState((f) => f.state === 'disabled', 5000);
  assert.deepEqual(statesOf(s, 'st-ok'), ['connected', 'disabled']);
  assert.equal((await api(server.url, 'PUT', '/v1/account/st-ok', { disabled: false })).status, 200);
  await s.waitForState((f) => f.state === 'connected' && s.states.indexOf(f) > 1, 10_000, 'connected again');
  const seen = statesOf(s, 'st-ok').slice(1);
  assert.ok(seen.indexOf('disabled') < seen.indexOf('connecting') && seen.indexOf('connecting') < seen.indexOf('connected'), seen.join(' → '));
});

test('a consumer that goes live gets the current state of each account it follows first, with the error as GET shows it', async () => {
  const s = await stream('states=true&account=st-ok&account=st-nowhere&account=st-unknown');
  await s.waitForState((f) => f.account === 'st-nowhere', 5000, 'snapshot of st-nowhere');
  await s.waitForState((f) => f.account === 'st-ok', 5000, 'snapshot of st-ok');
  const nowhere = s.states.find((f) => f.account === 'st-nowhere') as any;
  const view = (await api(server.url, 'GET', '/v1/account/st-nowhere')).body;
  assert.equal(nowhere.state, view.state);
  assert.deepEqual(Object.keys(nowhere.lastError).sort(), Object.keys(view.lastError).sort(), 'the same lastError shape as GET (response, serverResponseCode too)');
  assert.equal(nowhere.lastError.response, nowhere.lastError.message);
  await settle();
  assert.ok(s.states.every((f) => f.account !== 'st-unknown'), 'no frame for an account that does not exist');
});

test('with since, the replayed events come before any state frame', async () => {
  const frames: { kind?: string; id?: string }[] = [];
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/stream?since=0&states=true&account=st-nowhere`);
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise((r) => ws.once('open', r));
  const head = Number((await api(server.url, 'GET', '/v1/events?account=st-nowhere&limit=1000')).body.events.length);
  const until = Date.now() + 5000;
  while (!frames.some((f) => f.kind) && Date.now() < until) await settle();
  ws.close();
  const first = frames.findIndex((f) => f.kind === 'accountState');
  assert.ok(first >= 0, 'a state frame came');
  assert.equal(first, head, 'after every replayed event of the account');
  assert.ok(frames.slice(0, first).every((f) => typeof f.id === 'string' && !f.kind));
});

test('a deleted account gets no disconnected frame and drops out of later snapshots; a closed consumer is left alone', async () => {
  const gone = await stream('states=true&account=st-badpass');
  const closing = await stream('states=true');
  await gone.waitForState((f) => f.account === 'st-badpass', 5000, 'snapshot');
  closing.close();
  const before = gone.states.length;
  assert.equal((await api(server.url, 'DELETE', '/v1/account/st-badpass')).status, 200);
  await gone.waitFor((e) => e.event === 'accountDeleted', 5000);
  await settle();
  assert.deepEqual(gone.states.slice(before).map((f) => f.state), [], 'nothing after the deletion');
  const later = await stream('states=true&account=st-badpass&account=st-ok');
  await later.waitForState((f) => f.account === 'st-ok', 5000, 'snapshot');
  await settle();
  assert.ok(later.states.every((f) => f.account !== 'st-badpass'));
  assert.equal((await api(server.url, 'GET', '/health')).status, 200);
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
