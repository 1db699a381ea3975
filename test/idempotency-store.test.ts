// Idempotency keys on a real LMDB: the first answer while fresh, gone after 24 h, and pruning
// removes only the expired keys of the accounts a shard owns, however many there are.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEnv } from '../src/store/env.js';
import { IDEMPOTENCY_TTL_MS, IdempotencyStore } from '../src/store/idempotency.js';

const dirs: string[] = [];
after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

test('fresh keys answer, expired ones do not and are pruned for owned accounts only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'imapapi-idem-'));
  dirs.push(dir);
  const env = openEnv(dir);
  const store = new IdempotencyStore(env.root);
  const now = Date.now();
  const old = now - IDEMPOTENCY_TTL_MS - 1;
  await env.root.transaction(() => {
    for (let i = 0; i < 120; i++) store.putSync('mine', `old-${i}`, { n: i }, old);
    store.putSync('mine', 'fresh', { n: 'fresh' }, now);
    store.putSync('theirs', 'old', { n: 'theirs' }, old);
  });
  assert.deepEqual(store.get('mine', 'fresh', now), { n: 'fresh' });
  assert.equal(store.get('mine', 'old-1', now), undefined, 'an expired key answers nothing');
  assert.equal(await store.prune((a) => a === 'mine', now, 50), 120, 'all of them, in several batches');
  assert.deepEqual(store.get('mine', 'fresh', now), { n: 'fresh' });
  assert.deepEqual(store.get('theirs', 'old', old + 1), { n: 'theirs' }, 'another shard\'s key stays for its owner to prune');
  await env.close();
});
