// Many accounts read at once: 50 accounts with 10 requests in flight each all answer
// correctly, each account's reads taking fair turns on its own read connection; reads queued
// together share a NOOP, yet each sees what other clients did before it was sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool } from 'undici';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { fillMaildir } from './helpers/maildir.js';
import { bulkSubject, imapClient } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

const ACCOUNTS = 50;
const IN_FLIGHT = 10;
const MESSAGES = 30;
let dovecot: Dovecot;
let server: RunningServer;
let pool: Pool;
const uidMaps: Map<number, number>[] = [];

async function getJson(path: string): Promise<{ status: number; body: any }> {
  const res = await pool.request({ method: 'GET', path });
  return { status: res.statusCode, body: await res.body.json() };
}

before(async () => {
  dovecot = await startDovecot();
  server = await startServer();
  pool = new Pool(server.url, { connections: 100 });
  for (let a = 0; a < ACCOUNTS; a++) {
    const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('cc'), pass: dovecot.password };
    uidMaps.push(await fillMaildir(dovecot, login, 'INBOX', MESSAGES));
    await api(server.url, 'POST', '/v1/account', exampleAccount(`cc-${a}`, login));
  }
  await eventually(async () => (await getJson('/v1/accounts?state=connected')).body.total === ACCOUNTS, 30_000, 'all connected');
});
after(async () => {
  await pool?.close();
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

/** One account's share of the load: list a page, then read one of its messages. */
async function readOnce(a: number, k: number): Promise<string | null> {
  const page = k % 3;
  const list = await getJson(`/v1/account/cc-${a}/messages?path=INBOX&page=${page}&pageSize=10`);
  if (list.status !== 200) return `list ${a}/${k}: ${list.status} ${JSON.stringify(list.body)}`;
  const uids = list.body.messages.map((m: { uid: number }) => m.uid);
  const expected = Array.from({ length: 10 }, (_, i) => MESSAGES - page * 10 - i);
  if (JSON.stringify(uids) !== JSON.stringify(expected)) return `list ${a}/${k}: uids ${uids}`;
  const pick = list.body.messages[k % 10];
  const one = await getJson(`/v1/account/cc-${a}/message/${pick.id}`);
  if (one.status !== 200) return `get ${a}/${k}: ${one.status}`;
  if (one.body.subject !== bulkSubject(uidMaps[a]!.get(pick.uid)!)) return `get ${a}/${k}: subject ${one.body.subject}`;
  if (!one.body.text.plain?.includes(`Sõnum ${uidMaps[a]!.get(pick.uid)}.`)) return `get ${a}/${k}: text ${one.body.text.plain}`;
  return null;
}

test(`${ACCOUNTS} accounts × ${IN_FLIGHT} requests in flight all answer correctly`, async () => {
  const failures: string[] = [];
  await Promise.all(Array.from({ length: ACCOUNTS }, (_, a) => Promise.all(Array.from({ length: IN_FLIGHT }, async (_, k) => {
    for (let round = 0; round < 3; round++) {
      const problem = await readOnce(a, k + round * IN_FLIGHT);
      if (problem) failures.push(problem);
    }
  }))));
  assert.deepEqual(failures.slice(0, 10), []);
  const states = (await getJson('/v1/accounts?pageSize=100')).body.accounts.map((x: { state: string }) => x.state);
  assert.ok(states.every((s: string) => s === 'connected'), 'IDLE connections untouched');
});

test('/v1/stats: the accounts spread over the shards, each with its requests in flight and event-loop delay', async () => {
  const stats = (await getJson('/v1/stats')).body;
  const hosted = stats.shards.map((s: { accounts: number }) => s.accounts);
  assert.equal(hosted.reduce((a: number, b: number) => a + b, 0), stats.accounts);
  // placement hashes the account id: no shard carries much more than its share
  for (const n of hosted) assert.ok(n >= stats.accounts / stats.shards.length * 0.6, `accounts per shard ${hosted}`);
  for (const { eventLoopDelay: d, inFlight } of [...stats.shards, { ...stats.front, inFlight: 0 }]) {
    assert.ok(d.p50 >= 0 && d.p50 <= d.p99 && d.p99 <= d.max && d.max < 10_000, JSON.stringify(d));
    assert.ok(Number.isInteger(inFlight) && inFlight >= 0);
  }
});

test('reads in flight together still each see what another client changed before it was sent', async () => {
  const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('cc-fresh'), pass: dovecot.password };
  await fillMaildir(dovecot, login, 'INBOX', 12);
  await api(server.url, 'POST', '/v1/account', exampleAccount('cc-fresh', login));
  await eventually(async () => (await getJson('/v1/account/cc-fresh')).body.state === 'connected', 30_000, 'connected');
  const other = await imapClient(login);
  try {
    await other.mailboxOpen('INBOX');
    const list = () => getJson('/v1/account/cc-fresh/messages?path=INBOX&pageSize=3');
    let total = 12;
    for (let round = 1; round <= 6; round++) {
      // a queue of reads on the account's read connection, then a change from elsewhere: new
      // mail, or an expunge (which no FETCH answer may announce, so only a sync shows it)
      const queued = Array.from({ length: 8 }, list);
      const before = (await list()).body.messages[0].uid as number;
      let newest: number;
      if (round % 2) {
        const appended = await other.append('INBOX', `Subject: fresh ${round}\r\n\r\nbody ${round}\r\n`);
        assert.ok(appended && appended.uid, 'APPEND gave a UID');
        newest = appended.uid;
        total++;
      } else {
        assert.ok(await other.messageDelete(String(before), { uid: true }));
        newest = (await other.search({ all: true }, { uid: true }) as number[]).at(-1)!;
        total--;
      }
      const after = await list();
      assert.equal(after.status, 200);
      assert.deepEqual([after.body.total, after.body.messages[0].uid], [total, newest], `round ${round}`);
      for (const r of await Promise.all(queued)) assert.equal(r.status, 200);
    }
  } finally {
    await other.logout();
  }
});
