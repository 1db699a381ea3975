// Webhooks when things go wrong: a receiver that never accepts (events parked when the
// retention window ends, then replayed), a server restart mid-way (cursors persisted), and a
// crash of the webhook worker thread (503 meanwhile, restarted, nothing lost).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { start } from '../src/main.js';
import { api, eventually, exampleAccount } from './helpers/api.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';

const cleanups: (() => Promise<void>)[] = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

/** A client bound to one server: call, register paused accounts, churn them for events. */
function client(base: () => string) {
  const call = (method: string, path: string, body?: unknown) => api(base(), method, path, body);
  const addPaused = (account: string) => call('POST', '/v1/account', { ...exampleAccount(account, { host: '127.0.0.1', port: 1, user: 'u', pass: 'p' }), disabled: true });
  return {
    call,
    addPaused,
    /** accountAdded, then `n` × (accountDeleted, accountAdded) */
    async events(account: string, n = 0): Promise<void> {
      assert.equal((await addPaused(account)).status, 200);
      for (let i = 0; i < n; i++) {
        assert.equal((await call('DELETE', `/v1/account/${account}`)).status, 200);
        assert.equal((await addPaused(account)).status, 200);
      }
    },
    async logIds(account: string): Promise<number[]> {
      return (await call('GET', `/v1/events?account=${account}&limit=1000`)).body.events.map((e: { id: string }) => Number(e.id));
    },
  };
}

const idsFor = (receiver: Receiver, account: string, accepted = true) => [...new Set(receiver.requests
  .filter((r) => r.json?.account === account && (!accepted || (r.status >= 200 && r.status < 300))).map((r) => Number(r.json.id)))];

async function serverWith(args: string[], dataDir?: string): Promise<RunningServer> {
  const server = await startServer({ args, ...(dataDir ? { dataDir } : {}) });
  cleanups.push(async () => { await server.stop(); });
  return server;
}

describe('a receiver that never accepts', () => {
  test('events are parked when the retention window ends, listed, and replayed once it works', async () => {
    const receiver = await startReceiver(() => 500);
    cleanups.push(() => receiver.close());
    const server = await serverWith(['--event-retention', '4000']);
    cleanups.push(() => removeDir(server.dataDir));
    const c = client(() => server.url);
    await c.call('PUT', '/v1/settings', { webhooks: receiver.url });
    await c.events('dl-1', 1);
    await c.events('dl-2');
    await c.events('dl-1-more', 0);
    const dl1 = await c.logIds('dl-1');
    const [dl2] = await c.logIds('dl-2');
    assert.equal(dl1.length, 3);

    const failed = await eventually(async () => {
      const page = (await c.call('GET', '/v1/webhooks/failed?pageSize=100')).body;
      return page.total === 5 && page;
    }, 15_000, 'five parked events');
    const ids = failed.failed.map((f: { id: string }) => Number(f.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
    const first = failed.failed.find((f: { id: string }) => Number(f.id) === dl1[0])!;
    assert.equal(first.account, 'dl-1');
    assert.equal(first.event, 'accountAdded');
    assert.deepEqual(first.payload, { id: String(dl1[0]), account: 'dl-1', path: null, event: 'accountAdded', data: { account: 'dl-1' }, date: first.payload.date });
    assert.equal(first.status, 500);
    assert.equal(first.reason, 'HTTP 500');
    assert.ok(first.attempts >= 2, `retried: ${first.attempts}`);
    assert.ok(receiver.requests.filter((r) => Number(r.json?.id) === dl1[0]).length === first.attempts);
    // the log itself drops them once they are older than the window; the parked copies stay
    await eventually(async () => (await c.logIds('dl-2')).length === 0, 15_000, 'dl-2 pruned from the log');

    const byAccount = (await c.call('GET', '/v1/webhooks/failed?account=dl-1&pageSize=2&page=1')).body;
    assert.deepEqual({ total: byAccount.total, pages: byAccount.pages, ids: byAccount.failed.map((f: { id: string }) => Number(f.id)) }, { total: 3, pages: 2, ids: [dl1[0]] });
    const badQuery = await c.call('GET', '/v1/webhooks/failed?pageSize=0');
    assert.equal(badQuery.status, 400);

    // still refusing: replay reports failure and keeps them parked
    const refused = (await c.call('POST', '/v1/webhooks/replay', { account: 'dl-1' })).body;
    assert.deepEqual(refused, { replayed: 0, failed: 3, remaining: 3 });

    receiver.respond = () => 200;
    const before = receiver.requests.length;
    assert.deepEqual((await c.call('POST', '/v1/webhooks/replay', { ids: [String(dl2)] })).body, { replayed: 1, failed: 0, remaining: 0 });
    assert.deepEqual((await c.call('POST', '/v1/webhooks/replay', {})).body, { replayed: 4, failed: 0, remaining: 0 });
    assert.deepEqual(idsFor(receiver, 'dl-1').slice(-3), dl1, 'replayed in id order per account');
    assert.equal(receiver.requests.length - before, 5);
    const empty = (await c.call('GET', '/v1/webhooks/failed')).body;
    assert.deepEqual({ total: empty.total, failed: empty.failed }, { total: 0, failed: [] });
    assert.deepEqual((await c.call('POST', '/v1/webhooks/replay', {})).body, { replayed: 0, failed: 0, remaining: 0 });
    const stats = (await c.call('GET', '/v1/stats')).body.webhooks.counters;
    assert.equal(stats.parked, 5);
    assert.equal(stats.deadLetters, 0);
  });
});

describe('restart', () => {
  test('undelivered events go out after a restart; delivered ones are not sent again', async () => {
    const receiver = await startReceiver((req) => (req.json?.account === 'later' ? 503 : 200));
    cleanups.push(() => receiver.close());
    const first = await serverWith([]);
    cleanups.push(() => removeDir(first.dataDir));
    const c1 = client(() => first.url);
    await c1.call('PUT', '/v1/settings', { webhooks: receiver.url });
    await c1.events('early', 1);
    await c1.events('later', 1);
    const early = await c1.logIds('early');
    const later = await c1.logIds('later');
    await receiver.waitFor(() => idsFor(receiver, 'early').length === 3, 10_000, 'early delivered');
    await receiver.waitFor(() => idsFor(receiver, 'later', false).length >= 1, 10_000, 'later tried');
    assert.deepEqual(idsFor(receiver, 'later'), []);
    const { code } = await first.stop();
    assert.equal(code, 0);

    receiver.respond = () => 200;
    const restartedAt = Date.now();
    const second = await serverWith([], first.dataDir);
    await receiver.waitFor(() => idsFor(receiver, 'later').length === 3, 10_000, 'later delivered after the restart');
    assert.deepEqual(idsFor(receiver, 'later'), later, 'in order, none missing');
    await new Promise((r) => setTimeout(r, 500));
    const resent = receiver.requests.filter((r) => r.at >= restartedAt && r.json?.account === 'early');
    assert.deepEqual(resent.map((r) => r.json.id), [], 'nothing delivered before the restart was sent again');
    assert.deepEqual(idsFor(receiver, 'early'), early);
    assert.deepEqual((await api(second.url, 'GET', '/v1/settings')).body.webhooks, receiver.url, 'settings survive the restart');
  });
});

describe('worker crash', () => {
  test('calls fail with 503 while the webhook thread is down; it restarts and catches up', async () => {
    let slow = false;
    const receiver = await startReceiver(async () => {
      if (slow) await new Promise((r) => setTimeout(r, 2000));
      return 200;
    });
    const dataDir = await mkdtemp(join(tmpdir(), 'imapapi-webhook-crash-'));
    const parsed = loadConfig(['--port', '0', '--data-dir', dataDir, '--shards', '1', '--log-level', 'silent'], {});
    if (parsed.help) throw new Error('unexpected --help');
    const server = await start(parsed.config);
    cleanups.push(async () => { await server.close(); await receiver.close(); await removeDir(dataDir); });
    const c = client(() => server.url);
    await c.call('PUT', '/v1/settings', { webhooks: receiver.url });

    slow = true;
    const pending = c.call('POST', '/v1/webhooks/test');
    await receiver.waitFor((r) => r.length === 1, 5000, 'the test request');
    await server.webhooks.crash();
    const during = await c.call('GET', '/v1/settings');
    assert.equal(during.status, 503);
    assert.equal(during.body.code, 'WebhooksUnavailable');
    assert.equal((await pending).status, 503, 'the call in flight failed at once, not at its deadline');
    const health = await c.call('GET', '/health');
    assert.equal(health.status, 200, 'restarting is degraded, not dead');
    assert.notEqual(health.body.webhooks.state, 'up');
    slow = false;
    // an event committed while the thread is down is picked up by the restarted one
    await c.events('while-down');
    await eventually(async () => (await c.call('GET', '/v1/settings')).status === 200, 10_000, 'worker back');
    await receiver.waitFor((r) => r.some((q) => q.json?.account === 'while-down'), 10_000, 'event delivered after the restart');
    const stats = (await c.call('GET', '/v1/stats')).body.webhooks;
    assert.equal(stats.state, 'up');
    assert.equal(stats.restarts, 1);
    assert.deepEqual((await c.call('GET', '/health')).body.webhooks, { state: 'up', restarts: 1 });
  });
});
