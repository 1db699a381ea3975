// Many accounts on one server (the small variant of bench's scale run): 200 accounts, one
// Dovecot user each, all connected; the IMAP server stops under them and every account notices
// within seconds; it comes back and every account is connected again, none stuck.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { exampleAccount, eventually } from './helpers/api.js';

const ACCOUNTS = 200;
let dovecot: Dovecot;
let server: RunningServer;
let pool: Pool;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await pool.request({ method: method as 'GET', path, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.statusCode, body: await res.body.json() };
}
const byState = async (): Promise<Record<string, number>> => (await call('GET', '/v1/stats')).body.connections;
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

before(async () => {
  dovecot = await startDovecot();
  server = await startServer({ args: ['--log-level', 'warn'] });
  pool = new Pool(server.url, { connections: 16 });
});
after(async () => {
  await pool?.close();
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test(`${ACCOUNTS} accounts all connect`, async () => {
  const base = rssKb(server.pid);
  const t0 = performance.now();
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => `scale-${i}`);
  for (let i = 0; i < ids.length; i += 20) {
    const res = await Promise.all(ids.slice(i, i + 20).map((id) => call('POST', '/v1/account', exampleAccount(id, { host: dovecot.host, port: dovecot.port, user: dovecot.user('scale'), pass: dovecot.password }))));
    assert.deepEqual(res.map((r) => r.status).filter((s) => s !== 200), []);
  }
  await eventually(async () => (await byState()).connected === ACCOUNTS, 90_000, 'all connected');
  const rss = rssKb(server.pid);
  console.log(`${ACCOUNTS} accounts connected in ${((performance.now() - t0) / 1000).toFixed(1)} s; RSS ${(rss / 1024).toFixed(0)} MB (${base > 0 ? ((rss - base) / ACCOUNTS).toFixed(0) : '?'} KB per account over the ${(base / 1024).toFixed(0)} MB before)`);
});

test('the IMAP server stops: every account notices within seconds; it returns: every account connects again', async () => {
  await dovecot.stop();
  const t0 = performance.now();
  await eventually(async () => (await byState()).connected === 0, 15_000, 'no account still says connected');
  console.log(`all ${ACCOUNTS} accounts left connected ${((performance.now() - t0) / 1000).toFixed(1)} s after the server stopped`);
  await dovecot.start();
  const t1 = performance.now();
  // the retries back off (1 s doubling, jittered): all are due again within a minute
  await eventually(async () => (await byState()).connected === ACCOUNTS, 90_000, 'all connected again');
  console.log(`all ${ACCOUNTS} accounts connected again ${((performance.now() - t1) / 1000).toFixed(1)} s after the server came back`);
  const states = await byState();
  assert.deepEqual(Object.entries(states).filter(([s, n]) => s !== 'connected' && n > 0), [], 'none stuck in another state');
});
