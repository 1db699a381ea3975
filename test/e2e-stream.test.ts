// The WebSocket change stream: resume with `since` gets exactly the missed events and then
// live ones; account filters; bad requests; a consumer too far behind is closed with 1008.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';
import { openStream } from './helpers/stream.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { start } from '../src/main.js';
import { startDovecot } from './helpers/dovecot.js';
import { fillMaildir } from './helpers/maildir.js';

let server: RunningServer;
// accounts against a closed port: each registration makes accountAdded + connectError events
const nowhere = (id: string) => exampleAccount(id, { host: '127.0.0.1', port: 1, user: 'u', pass: 'p' });
const head = async () => Number((await api(server.url, 'GET', '/v1/events')).body.head);

before(async () => { server = await startServer(); });
after(async () => {
  await server?.stop();
  if (server) await removeDir(server.dataDir);
});

test('a client that disconnects, misses 10 events and reconnects with since gets exactly those, then live ones', async () => {
  const first = await openStream(server.url);
  await api(server.url, 'POST', '/v1/account', nowhere('s-0'));
  const seen = await first.waitFor((e) => e.account === 's-0' && e.event === 'connectError');
  first.close();
  await first.closed;
  const last = Number(seen.id);

  for (let i = 1; i <= 5; i++) await api(server.url, 'POST', '/v1/account', nowhere(`s-${i}`));
  await eventually(async () => (await head()) >= last + 10, 10_000, '10 events');
  const missed = (await api(server.url, 'GET', `/v1/events?since=${last}`)).body.events.map((e: { id: string }) => e.id);
  assert.equal(missed.length, 10);

  const again = await openStream(server.url, `since=${last}`);
  await again.waitFor((e) => e.id === missed[9], 5000, 'replay');
  await api(server.url, 'POST', '/v1/account', nowhere('s-live'));
  await again.waitFor((e) => e.account === 's-live' && e.event === 'connectError', 5000, 'live event');
  const ids = again.events.map((e) => e.id);
  assert.deepEqual(ids.slice(0, 10), missed);
  assert.deepEqual(again.events.slice(10).map((e) => `${e.account} ${e.event}`), ['s-live accountAdded', 's-live connectError']);
  assert.deepEqual(ids.map(Number), [...new Set(ids.map(Number))].sort((a, b) => a - b), 'no duplicate, in order');
  again.close();
});

test('account filters, repeatable, for replay and live', async () => {
  const s = await openStream(server.url, 'since=0&account=s-1&account=s-3');
  await api(server.url, 'POST', '/v1/account', nowhere('s-3'));
  await s.waitFor((e) => e.account === 's-3' && e.event === 'connectError', 5000);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(s.events.length >= 4);
  assert.ok(s.events.every((e) => e.account === 's-1' || e.account === 's-3'));
  s.close();
});

test('on shutdown consumers get 1001 with the position to resume from', async () => {
  const own = await startServer();
  const s = await openStream(own.url, 'since=0');
  await api(own.url, 'POST', '/v1/account', nowhere('bye'));
  await s.waitFor((e) => e.event === 'accountAdded');
  await own.stop('SIGINT');
  const { code, reason } = await s.closed;
  assert.equal(code, 1001);
  assert.match(reason, /since=\d+/);
  await removeDir(own.dataDir);
});

test('bad stream requests are refused with 400', async () => {
  const status = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/stream?since=abc`);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => undefined);
  });
  assert.equal(status, 400);
});

test('a consumer that stops reading is closed with 1008 and can resume with since', async () => {
  // in-process, with a small queue limit; thousands of messageNew events overflow the socket
  const dovecot = await startDovecot();
  const dataDir = await mkdtemp(join(tmpdir(), 'imapapi-slow-'));
  const parsed = loadConfig(['--port', '0', '--data-dir', dataDir, '--shards', '1', '--log-level', 'silent'], {});
  if (parsed.help) throw new Error('unexpected --help');
  const local = await start(parsed.config, { streamMaxQueued: 128 * 1024 });
  try {
    const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('slow'), pass: dovecot.password };
    await api(local.url, 'POST', '/v1/account', exampleAccount('slow', login));
    await eventually(async () => (await api(local.url, 'GET', '/v1/account/slow')).body.state === 'connected');
    const ws = new WebSocket(`${local.url.replace('http', 'ws')}/v1/stream`);
    await new Promise((r) => ws.once('open', r));
    const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.pause();
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    await fillMaildir(dovecot, login, 'INBOX', 8000);
    await eventually(async () => Number((await api(local.url, 'GET', '/v1/events')).body.head) > 8000, 30_000, 'events stored');
    socket.resume();
    const { code, reason } = await closed;
    assert.equal(code, 1008);
    const since = Number(/since=(\d+)/.exec(reason)?.[1]);
    assert.ok(since > 0, reason);
    // resuming from where it was cut off gets the rest, in order
    const resumed = await openStream(local.url, `since=${since}`);
    const head = Number((await api(local.url, 'GET', '/v1/events')).body.head);
    await resumed.waitFor((e) => Number(e.id) === head, 20_000, 'the rest');
    assert.equal(Number(resumed.events[0]!.id), since + 1);
    resumed.close();
  } finally {
    await local.close();
    await dovecot.close();
    await removeDir(dataDir);
  }
});
