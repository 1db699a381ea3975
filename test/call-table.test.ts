// The table of calls waiting for replies: found by id, gone once deleted, never confused with
// another call whose id shares the low bits, and keeping calls that outlive a lap of the ring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallTable } from '../src/protocol/call-table.js';

test('finds each pending call by its id and forgets it once deleted', () => {
  const t = new CallTable<string>(4);
  t.set(1, 'a');
  t.set(2, 'b');
  assert.deepEqual([t.get(1), t.get(2), t.get(3), t.size], ['a', 'b', undefined, 2]);
  assert.equal(t.delete(1), true);
  assert.equal(t.delete(1), false, 'already gone');
  assert.deepEqual([t.get(1), t.size], [undefined, 1]);
});

test('an id sharing the low bits of a held one is another call', () => {
  const t = new CallTable<string>(4);
  t.set(1, 'one');
  assert.equal(t.get(5), undefined, '5 & 3 === 1 & 3, yet no call 5 exists');
  assert.equal(t.delete(5), false);
  t.set(5, 'five'); // the slot is taken: call 1 moves aside, it is not overwritten
  assert.deepEqual([t.get(1), t.get(5), t.size], ['one', 'five', 2]);
  assert.equal(t.delete(1), true);
  assert.deepEqual([t.get(1), t.get(5), t.size], [undefined, 'five', 1]);
});

test('thousands pending at once, answered out of order, then cleared', () => {
  const t = new CallTable<number>(2);
  const ids = Array.from({ length: 5000 }, (_, i) => i + 1);
  for (const id of ids) t.set(id, id * 10);
  assert.equal(t.size, 5000);
  for (const id of ids.filter((i) => i % 3 === 0)) assert.equal(t.delete(id), true);
  for (const id of ids) assert.equal(t.get(id), id % 3 === 0 ? undefined : id * 10);
  assert.equal([...t.values()].length, t.size);
  // ids keep counting up while older calls are still out: slots are reused, nothing is lost
  for (let id = 5001; id < 20_000; id++) { t.set(id, id); t.delete(id); }
  assert.deepEqual([t.get(4), t.size], [40, 5000 - Math.floor(5000 / 3)]);
  t.clear();
  assert.deepEqual([t.size, t.get(4), [...t.values()].length], [0, undefined, 0]);
});
