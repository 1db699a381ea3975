// Regression: pruning every event made the next append reuse id 1, below the positions that
// webhook cursors and stream clients had reached, so new events were skipped for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventLog } from '../src/store/events.js';
import { openEnv } from '../src/store/env.js';

test('ids keep growing after retention prunes everything that is old', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'imapapi-prune-'));
  const env = openEnv(dir);
  const log = new EventLog(env.root);
  const old = new Date(Date.now() - 3_600_000).toISOString();
  await env.root.transaction(() => { log.appendSync([1, 2, 3].map((i) => ({ account: 'a', path: null, event: 'messageNew' as const, data: { i } })), old); });
  const removed = await log.prune(new Date().toISOString());
  assert.equal(removed, 2, 'the newest event stays');
  assert.equal(log.first()?.id, 3);
  const [next] = await log.append([{ account: 'a', path: null, event: 'messageNew', data: {} }]);
  assert.equal(next!.id, 4);
  assert.equal(await log.prune(new Date(Date.now() + 1000).toISOString()), 1, 'the old head goes once a newer event exists');
  await env.close();
  await rm(dir, { recursive: true, force: true });
});
