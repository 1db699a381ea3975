// Webhook cursors on LMDB: moves gathered into few writes never go back when read, and what was
// set is on disk after flushed(), as another opening of the store sees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CursorStore } from '../src/store/cursors.js';
import { openEnv } from '../src/store/env.js';

test('cursors: the newest position is read back at once, written within ms, kept across a reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'imapapi-cursors-'));
  try {
    const env = openEnv(dir);
    const cursors = new CursorStore(env.root, 'webhook');
    let regressions = 0;
    for (let id = 1; id <= 3000; id++) {
      const account = `a${id % 3}`;
      cursors.set(account, id);
      if (cursors.get(account) !== id) regressions++;
      // let some gathered writes commit in between, so reads race with commits
      if (id % 500 === 0) await new Promise((r) => setTimeout(r, 30));
    }
    assert.equal(regressions, 0);
    // written on its own shortly after, without flushed()
    const other = new CursorStore(env.root, 'other');
    other.set('x', 7);
    await new Promise((r) => setTimeout(r, 100));
    env.root.resetReadTxn();
    assert.equal(env.root.openDB({ name: 'cursors', encoding: 'msgpack' }).get(['other', 'x']), 7);
    await cursors.flushed();
    await env.close();
    const again = openEnv(dir);
    const reread = new CursorStore(again.root, 'webhook');
    assert.deepEqual(['a0', 'a1', 'a2', 'nobody'].map((a) => reread.get(a)), [3000, 2998, 2999, 0]);
    assert.equal(new CursorStore(again.root, 'other').get('x'), 7);
    await again.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
