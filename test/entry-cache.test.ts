// The entries the API listed lately: bounded, oldest-used out first, one folder (path, record
// id, UIDVALIDITY) never answering for another, and `warm` following the last page's hits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntryCache } from '../src/messages/entry-cache.js';
import type { MessageEntry } from '../src/schemas/message.js';

const entry = (uid: number, subject = `m${uid}`) => ({ id: `id${uid}`, uid, subject } as unknown as MessageEntry);

test('holds at most its limit, dropping the entry used longest ago', () => {
  const cache = new EntryCache(3);
  const f = cache.folder('INBOX', 1, 100n);
  for (const uid of [1, 2, 3]) f.put(entry(uid));
  assert.equal(f.get(1)?.subject, 'm1'); // 1 is now the most recently used
  f.put(entry(4));
  assert.equal(cache.size, 3);
  assert.deepEqual([1, 2, 3, 4].map((uid) => f.get(uid)?.uid), [1, undefined, 3, 4]);
});

test('a folder is its path, record id and UIDVALIDITY: the same UID elsewhere is another message', () => {
  const cache = new EntryCache(10);
  cache.folder('INBOX', 1, 100n).put(entry(7, 'first'));
  assert.equal(cache.folder('INBOX', 1, 101n).get(7), undefined, 'new UIDVALIDITY');
  assert.equal(cache.folder('INBOX', 2, 100n).get(7), undefined, 'new record');
  assert.equal(cache.folder('Sent', 1, 100n).get(7), undefined, 'other path');
  assert.equal(cache.folder('INBOX', 1, 100n).get(7)?.subject, 'first');
});

test('warm once a page was at least half known, cold again when one was not; clear forgets all', () => {
  const cache = new EntryCache(10);
  const at = () => cache.folder('INBOX', 1, 5n);
  assert.equal(at().warm, false, 'nothing seen yet');
  at().saw(0, 20);
  assert.equal(at().warm, false);
  at().saw(10, 20);
  assert.equal(at().warm, true);
  assert.equal(cache.folder('Other', 3, 5n).warm, false, 'per folder');
  at().saw(9, 20);
  assert.equal(at().warm, false);
  at().saw(0, 0);
  assert.equal(at().warm, false, 'an empty page says nothing good');
  at().saw(20, 20);
  at().put(entry(1));
  cache.clear();
  assert.deepEqual([at().warm, at().get(1), cache.size], [false, undefined, 0]);
});
