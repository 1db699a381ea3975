import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { ApiError, accountNotFound } from '../src/errors.js';
import { RpcClient } from '../src/protocol/client.js';
import { shardOf } from '../src/protocol/placement.js';
import { serve } from '../src/protocol/server.js';
import type { Handlers } from '../src/protocol/ops.js';
import type { ReplyMsg, RequestMsg } from '../src/protocol/wire.js';

function channel(handlers: Partial<Handlers>) {
  const { port1, port2 } = new MessageChannel();
  const handle = serve(handlers as Handlers, (m) => port2.postMessage(m), () => {});
  port2.on('message', (m: RequestMsg) => handle(m));
  const client = new RpcClient((m) => port1.postMessage(m));
  port1.on('message', (m: ReplyMsg) => client.handle(m));
  return { client, close: () => { port1.close(); port2.close(); } };
}

test('a call crosses a real MessagePort and errors keep their code and status', async () => {
  const { client, close } = channel({
    getAccount: async (account) => { if (account === 'x') throw accountNotFound('x'); return { account } as never; },
    listAccounts: async () => ({ accounts: [] }),
  });
  assert.deepEqual(await client.callAccount('a', 'getAccount', {}, 1000), { account: 'a' });
  assert.deepEqual(await client.callShard('listAccounts', {}, 1000), { accounts: [] });
  await assert.rejects(client.callAccount('x', 'getAccount', {}, 1000), (e: ApiError) => e.code === 'AccountNotFound' && e.status === 404);
  assert.equal(client.inFlight, 0);
  close();
});

test('an unexpected throw becomes a 500 without its internal text', async () => {
  const { client, close } = channel({ getAccount: async () => { throw new Error('/secret/path exploded'); } });
  await assert.rejects(client.callAccount('a', 'getAccount', {}, 1000), (e: ApiError) => e.status === 500 && !e.message.includes('/secret'));
  close();
});

test('no answer within the deadline → 504 and the pending entry is freed', async () => {
  const { client, close } = channel({ getAccount: () => new Promise(() => {}) });
  const t0 = Date.now();
  await assert.rejects(client.callAccount('a', 'getAccount', {}, 150), (e: ApiError) => e.status === 504 && e.code === 'DeadlineExceeded');
  assert.ok(Date.now() - t0 >= 140);
  assert.equal(client.inFlight, 0);
  close();
});

test('rejectAll fails every pending call at once', async () => {
  const { client, close } = channel({ getAccount: () => new Promise(() => {}) });
  const calls = [1, 2, 3].map((i) => client.callAccount(`a${i}`, 'getAccount', {}, 10_000));
  client.rejectAll(() => new ApiError('ShardUnavailable', 'gone'));
  for (const c of calls) await assert.rejects(c, (e: ApiError) => e.status === 503);
  assert.equal(client.inFlight, 0);
  close();
});

test('placement is stable and spreads accounts over shards', () => {
  // FNV-1a 32-bit test vectors ("a" → 0xe40c292c, "foobar" → 0xbf9cf968): a changed hash would
  // move accounts to other shards across an upgrade
  assert.equal(shardOf('a', 1000), 0xe40c292c % 1000);
  assert.equal(shardOf('foobar', 7), 0xbf9cf968 % 7);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) counts[shardOf(`user-${i}@example.com`, 4)]!++;
  for (const c of counts) assert.ok(c > 800 && c < 1200, `uneven: ${counts.join(',')}`);
});

test('a handler that throws synchronously fails its request only', async () => {
  const { client, close } = channel({
    getAccount: ((account: string) => { if (account === 'bad') throw accountNotFound('bad'); return Promise.resolve({ account }); }) as never,
  });
  await assert.rejects(client.callAccount('bad', 'getAccount', {}, 1000), (e: ApiError) => e.status === 404);
  assert.deepEqual(await client.callAccount('ok', 'getAccount', {}, 1000), { account: 'ok' });
  close();
});
