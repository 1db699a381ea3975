// Routing across shard threads: many concurrent requests over keep-alive, a crashed shard
// answering 503 and coming back with its accounts, a stuck shard answering 504.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { loadConfig } from '../src/config.js';
import { start, type Server } from '../src/main.js';
import { shardOf } from '../src/protocol/placement.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { removeDir } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';
import { openStream } from './helpers/stream.js';

const SHARDS = 2;
const ACCOUNTS = Array.from({ length: 20 }, (_, i) => `acct-${i}`);
let dovecot: Dovecot;
let server: Server;
let dataDir: string;
let pool: Pool;

async function getJson(path: string): Promise<{ status: number; body: any }> {
  const res = await pool.request({ method: 'GET', path });
  return { status: res.statusCode, body: await res.body.json() };
}

before(async () => {
  dovecot = await startDovecot();
  dataDir = await mkdtemp(join(tmpdir(), 'imapapi-shards-'));
  // the crash test has 50 requests of one account in flight, more than the default per-account limit
  const parsed = loadConfig(['--port', '0', '--data-dir', dataDir, '--shards', String(SHARDS), '--log-level', 'silent', '--request-timeout', '1000',
    '--account-concurrency', '64'], {});
  if (parsed.help) throw new Error('unexpected --help');
  server = await start(parsed.config);
  pool = new Pool(server.url, { connections: 50, pipelining: 1 });
  for (const id of ACCOUNTS) {
    await api(server.url, 'POST', '/v1/account', exampleAccount(id, { host: dovecot.host, port: dovecot.port, user: dovecot.user('sh'), pass: dovecot.password }));
  }
  await eventually(async () => (await getJson('/v1/accounts?state=connected')).body.total === ACCOUNTS.length, 15_000, 'all connected');
});
after(async () => {
  await pool?.close();
  await server?.close();
  await dovecot?.close();
  await removeDir(dataDir);
});

test('accounts are spread over the shards', () => {
  const used = new Set(ACCOUNTS.map((a) => shardOf(a, SHARDS)));
  assert.equal(used.size, SHARDS);
});

test('1,000 concurrent GET /v1/account/:account over keep-alive all answer correctly', async () => {
  const results = await Promise.all(Array.from({ length: 1000 }, async (_, i) => {
    const id = ACCOUNTS[i % ACCOUNTS.length]!;
    const res = await getJson(`/v1/account/${id}`);
    return res.status === 200 && res.body.account === id && res.body.state === 'connected';
  }));
  assert.equal(results.filter(Boolean).length, 1000);
});

test('a crashed shard answers 503 while down, then comes back with its accounts; the stream says so', async () => {
  const victim = ACCOUNTS.find((a) => shardOf(a, SHARDS) === 0)!;
  const other = ACCOUNTS.find((a) => shardOf(a, SHARDS) === 1)!;
  const states = await openStream(server.url, 'states=true');
  await states.waitForState((f) => f.account === victim && f.state === 'connected', 5000, 'snapshot');
  const inFlight = Array.from({ length: 50 }, () => getJson(`/v1/account/${victim}`));
  await server.shards.crash(0);
  const during = await getJson(`/v1/account/${victim}`);
  assert.equal(during.status, 503);
  assert.equal(during.body.code, 'ShardUnavailable');
  for (const r of await Promise.all(inFlight)) assert.ok(r.status === 200 || r.status === 503, `status ${r.status}`);
  assert.equal((await getJson(`/v1/account/${other}`)).status, 200, 'the other shard is unaffected');

  // the front tells state consumers at once: the crashed shard's accounts are disconnected
  const down = await states.waitForState((f) => f.account === victim && f.state === 'disconnected', 5000, 'disconnected frame');
  assert.equal(down.lastError?.code, 'ShardUnavailable');
  assert.ok(!states.states.some((f) => f.account === other && f.state === 'disconnected'), 'the other shard\'s accounts stay as they are');
  await eventually(async () => (await getJson(`/v1/account/${victim}`)).status === 200, 10_000, 'shard back');
  await states.waitForState((f) => f.account === victim && f.state === 'connected' && Date.parse(f.date) > Date.parse(down.date), 10_000, 'connected again');
  states.close();
  await eventually(async () => (await getJson(`/v1/account/${victim}`)).body.state === 'connected', 10_000, 'account reconnected');
  const health = await getJson('/health');
  assert.equal(health.body.status, 'ok');
  assert.equal(health.body.shards[0].restarts, 1);
});

test('a shard that does not answer in time → 504, and it serves again afterwards', async () => {
  const victim = ACCOUNTS.find((a) => shardOf(a, SHARDS) === 1)!;
  server.shards.freeze(1, 1500);
  const t0 = Date.now();
  const res = await getJson(`/v1/account/${victim}`);
  assert.equal(res.status, 504);
  assert.equal(res.body.code, 'DeadlineExceeded');
  assert.ok(Date.now() - t0 < 1400, 'answered at the deadline, not when the shard woke');
  await eventually(async () => (await getJson(`/v1/account/${victim}`)).status === 200, 5_000, 'shard awake');
  assert.equal(server.shards.status()[1]!.inFlight, 0, 'timed-out entries freed');
});
