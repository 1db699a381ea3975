// A flood of requests on one account gets 429 beyond --account-concurrency while another
// account's requests answer as fast as ever, and requests the client gave up on give their
// place back once the shard is done with them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool } from 'undici';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { fillMaildir } from './helpers/maildir.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

const LIMIT = 8;
const BIG = 3000;
let dovecot: Dovecot;
let server: RunningServer;
let pool: Pool;

/** A slow read: a page of 1000 entries of a big folder, fetched from IMAP each time. */
const SLOW = '/v1/account/flood/messages?path=INBOX&pageSize=1000';

async function get(path: string, signal?: AbortSignal): Promise<{ status: number; body: any; headers: Record<string, unknown>; ms: number }> {
  const t0 = Date.now();
  const res = await pool.request({ method: 'GET', path, ...(signal ? { signal } : {}) });
  const body = await res.body.json();
  return { status: res.statusCode, body, headers: res.headers, ms: Date.now() - t0 };
}

before(async () => {
  dovecot = await startDovecot();
  server = await startServer({ args: ['--account-concurrency', String(LIMIT)] });
  pool = new Pool(server.url, { connections: 260 });
  const flood = { host: dovecot.host, port: dovecot.port, user: dovecot.user('gate'), pass: dovecot.password };
  const calm = { host: dovecot.host, port: dovecot.port, user: dovecot.user('gate'), pass: dovecot.password };
  await fillMaildir(dovecot, flood, 'INBOX', BIG);
  await fillMaildir(dovecot, calm, 'INBOX', 20);
  await api(server.url, 'POST', '/v1/account', exampleAccount('flood', flood));
  await api(server.url, 'POST', '/v1/account', exampleAccount('calm', calm));
  await eventually(async () => (await get('/v1/accounts?state=connected')).body.total === 2, 30_000, 'both connected');
  await eventually(async () => (await get(SLOW)).body.total === BIG, 30_000, 'the big folder listed');
});
after(async () => {
  await pool?.close();
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('200 concurrent slow requests on one account: some get 429, the other account answers fast', async () => {
  const baseline = (await get('/v1/account/calm/messages?path=INBOX&pageSize=10')).ms;
  const flood = Array.from({ length: 200 }, () => get(SLOW));
  // the other account, one request after another while the flood is on
  const calm: number[] = [];
  const floodDone = Promise.all(flood);
  let done = false;
  void floodDone.finally(() => { done = true; });
  while (!done || calm.length < 5) {
    const res = await get('/v1/account/calm/messages?path=INBOX&pageSize=10');
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 20);
    calm.push(res.ms);
  }
  const answers = await floodDone;
  const refused = answers.filter((a) => a.status === 429);
  const served = answers.filter((a) => a.status === 200);
  assert.equal(refused.length + served.length, 200, `other statuses: ${answers.filter((a) => a.status !== 200 && a.status !== 429).map((a) => a.status)}`);
  assert.ok(refused.length >= 200 - 4 * LIMIT, `only ${refused.length} refused`);
  assert.ok(served.length >= LIMIT, `only ${served.length} served`);
  for (const s of served) assert.equal(s.body.messages.length, 1000);
  const one = refused[0]!;
  assert.equal(one.body.code, 'TooManyRequests');
  assert.equal(one.body.statusCode, 429);
  assert.equal(one.body.details.limit, LIMIT);
  assert.equal(one.body.details.account, 'flood');
  assert.match(one.body.message, /--account-concurrency/);
  assert.equal(one.headers['retry-after'], '1');
  // the slowest served request of the flood took much longer than the calm account ever did
  const slowest = Math.max(...served.map((s) => s.ms));
  const calmWorst = Math.max(...calm);
  assert.ok(calmWorst < Math.max(500, baseline * 10), `calm account took up to ${calmWorst} ms (baseline ${baseline} ms, flood up to ${slowest} ms)`);
});

test('requests given up by the client free their places once the shard is done', async () => {
  const ctrl = new AbortController();
  const aborted = Array.from({ length: 50 }, () => get(SLOW, ctrl.signal).catch(() => 'aborted'));
  await new Promise((r) => setTimeout(r, 30));
  ctrl.abort();
  await Promise.all(aborted);
  // no place leaks: LIMIT requests at once are all served again
  await eventually(async () => {
    const batch = await Promise.all(Array.from({ length: LIMIT }, () => get(SLOW)));
    return batch.every((b) => b.status === 200);
  }, 20_000, `${LIMIT} requests at once all served after the aborts`);
  const again = await Promise.all(Array.from({ length: LIMIT }, () => get(SLOW)));
  assert.deepEqual(again.map((a) => a.status), Array(LIMIT).fill(200));
});
