// The event log's promise: ids global, contiguous and monotonic across threads writing at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EventLog } from '../src/store/events.js';
import { openEnv } from '../src/store/env.js';

const WRITER = `
  const { workerData, parentPort } = require('node:worker_threads');
  import(workerData.envUrl).then(async ({ openEnv }) => {
    const { EventLog } = await import(workerData.logUrl);
    const env = openEnv(workerData.dir);
    const log = new EventLog(env.root);
    const ids = [];
    await Promise.all(Array.from({ length: workerData.n }, (_, i) =>
      env.root.transaction(() => { ids.push(log.appendSync([{ account: workerData.account, path: null, event: 'messageNew', data: { i } }])[0].id); })));
    await env.close();
    parentPort.postMessage(ids);
  });
`;

test('three threads × 500 transactions get ids 1…1500 without a gap, in per-thread order', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'imapapi-log-'));
  const envUrl = new URL('../src/store/env.js', import.meta.url).href;
  const logUrl = new URL('../src/store/events.js', import.meta.url).href;
  const run = (account: string) => new Promise<number[]>((resolve, reject) => {
    const w = new Worker(WRITER, { eval: true, workerData: { dir, envUrl, logUrl, n: 500, account } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  const results = await Promise.all(['a', 'b', 'c'].map(run));
  const all = results.flat().sort((x, y) => x - y);
  assert.deepEqual(all, Array.from({ length: 1500 }, (_, i) => i + 1));
  for (const ids of results) assert.deepEqual(ids, [...ids].sort((x, y) => x - y));

  const env = openEnv(dir);
  const log = new EventLog(env.root);
  assert.equal(log.head(), 1500);
  const forB = log.readAccount('b', 0, 1000);
  assert.deepEqual(forB.map((e) => e.id), results[1]);
  assert.deepEqual(log.read(1400, 1000).map((e) => e.id), Array.from({ length: 100 }, (_, i) => 1401 + i));
  assert.equal(log.read(0, 10, new Set(['c']), 50).every((e) => e.account === 'c' && e.id <= 50), true);
  await env.close();
  await rm(dir, { recursive: true, force: true });
});
