// kill -9 in the middle of a burst of 2,000 new messages: after a restart every message's
// messageNew is in the log at least once, the de-duplicated set is exact, ids increase.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { fillMaildir } from './helpers/maildir.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';
import type { Payload } from './helpers/stream.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

const BURST = 2000;
let dovecot: Dovecot;
let server: RunningServer;
let hook: Receiver;

before(async () => {
  dovecot = await startDovecot();
  hook = await startReceiver();
});
after(async () => {
  await hook?.close();
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

async function allEvents(s: RunningServer): Promise<Payload[]> {
  const out: Payload[] = [];
  for (let since = 0; ;) {
    const page = (await api(s.url, 'GET', `/v1/events?since=${since}&limit=1000`)).body;
    out.push(...page.events);
    if (page.next === page.head) return out;
    since = Number(page.next);
  }
}

test('kill -9 mid-burst loses no messageNew', async () => {
  const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('crash'), pass: dovecot.password };
  server = await startServer();
  const { dataDir } = server;
  await api(server.url, 'PUT', '/v1/settings', { webhooks: hook.url, webhooksEnabled: true });
  await api(server.url, 'POST', '/v1/account', exampleAccount('crash', login));
  await eventually(async () => (await api(server.url, 'GET', '/v1/account/crash')).body.state === 'connected');

  const filling = fillMaildir(dovecot, login, 'INBOX', BURST);
  // kill as soon as the first part of the burst is in the log, while the rest is in flight
  let atKill = 0;
  await eventually(async () => (atKill = (await allEvents(server)).filter((e) => e.event === 'messageNew').length) >= 100, 30_000, 'burst started');
  const killed = await server.stop('SIGKILL');
  assert.ok(atKill < BURST, `the burst was already over (${atKill}) when killed`);
  assert.equal(killed.code, null, 'killed, not exited');
  const beforeRestart = (await api(server.url, 'GET', '/v1/events').catch(() => null));
  assert.equal(beforeRestart, null, 'server is down');
  const uids = await filling;

  server = await startServer({ dataDir });
  await eventually(async () => new Set((await allEvents(server)).filter((e) => e.event === 'messageNew').map((e) => e.data.uid)).size === BURST, 60_000, 'every messageNew');
  const events = await allEvents(server);
  const news = events.filter((e) => e.event === 'messageNew');
  assert.deepEqual(new Set(news.map((e) => e.data.uid)), new Set(uids.keys()));
  assert.ok(news.length >= BURST);
  const ids = events.map((e) => Number(e.id));
  assert.deepEqual(ids, ids.map((_, i) => i + 1), 'ids contiguous and increasing');

  // the webhook receiver gets every messageNew at least once, in increasing id order
  await hook.waitFor(() => new Set(hook.accepted().filter((p) => p.event === 'messageNew').map((p) => p.data.uid)).size === BURST, 60_000, 'webhooks');
  const delivered = hook.accepted().filter((p) => p.account === 'crash').map((p) => Number(p.id));
  const firstSeen = delivered.filter((id, i) => delivered.indexOf(id) === i);
  assert.deepEqual(firstSeen, [...firstSeen].sort((a, b) => a - b), 'per account, ids arrive in increasing order');
  assert.deepEqual(new Set(hook.accepted().filter((p) => p.event === 'messageNew').map((p) => p.data.uid)), new Set(uids.keys()));
});
