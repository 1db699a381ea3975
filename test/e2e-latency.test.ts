// Steady mail: 20 APPENDs a second for 10 s. Every messageNew reaches the stream while mail is
// still coming (no quiet period needed), within a bounded delay of the server's own push.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';
import { openStream } from './helpers/stream.js';
import { appendSteadily, percentile } from './helpers/latency.js';

let dovecot: Dovecot;
let server: RunningServer;

before(async () => {
  dovecot = await startDovecot();
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('20 messages/s for 10 s: every messageNew arrives while the mail is still coming', async () => {
  const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('steady'), pass: dovecot.password };
  await api(server.url, 'POST', '/v1/account', exampleAccount('steady', login));
  await eventually(async () => (await api(server.url, 'GET', '/v1/account/steady')).body.state === 'connected');
  const stream = await openStream(server.url, 'account=steady');
  const arrivedAt = new Map<number, number>();
  const seen = stream.events.length;
  const poll = setInterval(() => {
    for (const e of stream.events.slice(seen)) if (e.event === 'messageNew' && !arrivedAt.has(e.data.uid)) arrivedAt.set(e.data.uid, performance.now());
  }, 1);
  const run = await appendSteadily(login, 200, 20);
  await eventually(async () => arrivedAt.size >= 200, 10_000, 'all 200 messageNew');
  clearInterval(poll);
  stream.close();

  const uids = [...run.appendedAt.keys()];
  const delays = uids.map((uid) => arrivedAt.get(uid)! - run.appendedAt.get(uid)!);
  const floor = uids.filter((uid) => run.floorAt.has(uid)).map((uid) => run.floorAt.get(uid)! - run.appendedAt.get(uid)!);
  const arrivedDuring = uids.filter((uid) => arrivedAt.get(uid)! < run.endedAt).length;
  console.log(`# APPEND→WebSocket p50 ${percentile(delays, 0.5).toFixed(0)} ms p95 ${percentile(delays, 0.95).toFixed(0)} ms; ` +
    `IMAP push floor p50 ${percentile(floor, 0.5).toFixed(0)} ms p95 ${percentile(floor, 0.95).toFixed(0)} ms; ` +
    `${arrivedDuring}/200 arrived before the last APPEND`);
  assert.deepEqual(new Set(arrivedAt.keys()), new Set(uids));
  // mail arrives continuously for 10 s: events must flow during it, not after a quiet period
  assert.ok(arrivedDuring >= 180, `only ${arrivedDuring} of 200 arrived while mail was still coming`);
  assert.ok(Math.max(...delays) < 5000, `worst delay ${Math.max(...delays).toFixed(0)} ms`);
  assert.ok(percentile(delays, 0.95) < percentile(floor, 0.95) + 1000, 'stays close to the push floor');
});
