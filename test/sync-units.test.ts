// Pure pieces of the sync engine: flag codec and changes, the streaming diff, coalescing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coalescer } from '../src/sync/coalesce.js';
import { diffSorted, type UidFlags } from '../src/sync/diff.js';
import { decodeFlags, encodeFlags, flagChanges, sameFlags } from '../src/store/flags.js';

test('flags: system flags as bits, keywords kept, \\Recent dropped, order-insensitive', () => {
  assert.equal(encodeFlags([]), 0);
  assert.equal(typeof encodeFlags(['\\Seen', '\\Flagged']), 'number');
  assert.deepEqual(decodeFlags(encodeFlags(['\\Flagged', '\\Seen', '\\Recent'])), ['\\Seen', '\\Flagged']);
  const withKeywords = encodeFlags(['$label1', '\\Seen', 'Custom']);
  assert.deepEqual(decodeFlags(withKeywords), ['\\Seen', '$label1', 'Custom']);
  assert.ok(sameFlags(encodeFlags(['b', 'a', '\\Draft']), encodeFlags(['\\Draft', 'a', 'b'])));
  assert.ok(!sameFlags(encodeFlags(['a']), encodeFlags(['b'])));
  assert.deepEqual(flagChanges(encodeFlags(['\\Seen', 'x']), encodeFlags(['\\Flagged', 'x'])), { added: ['\\Flagged'], removed: ['\\Seen'] });
});

async function* list(items: [number, string[] | null][]): AsyncIterable<UidFlags> {
  for (const [uid, flags] of items) yield { uid, flags: flags === null ? null : encodeFlags(flags) };
}
const known = (items: [number, string[]][]) => items.map(([uid, flags]) => ({ uid, flags: encodeFlags(flags) }));

test('diff: new, removed and changed from two sorted lists', async () => {
  const d = await diffSorted(
    list([[2, ['\\Seen']], [3, []], [5, []], [9, ['\\Flagged']]]),
    known([[1, []], [2, []], [3, []], [4, []], [9, ['\\Flagged']], [12, []]]),
  );
  assert.deepEqual(d.added.map((a) => a.uid), [5]);
  assert.deepEqual(d.removed, [1, 4, 12]);
  assert.deepEqual(d.changed.map((c) => [c.uid, flagChanges(c.before, c.after)]), [[2, { added: ['\\Seen'], removed: [] }]]);
});

test('diff: presence only when flags were not fetched; empty sides', async () => {
  const d = await diffSorted(list([[1, null], [3, null]]), known([[1, ['\\Seen']], [2, []]]));
  assert.deepEqual({ added: d.added.map((a) => a.uid), removed: d.removed, changed: d.changed }, { added: [3], removed: [2], changed: [] });
  assert.deepEqual((await diffSorted(list([]), known([[1, []]]))).removed, [1]);
  assert.deepEqual((await diffSorted(list([[1, []]]), [])).added.map((a) => a.uid), [1]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('coalescer: a burst runs once; steady notices still run within maxWait', async () => {
  const runs: number[] = [];
  const c = new Coalescer(async () => { runs.push(Date.now()); }, { delay: 20, maxWait: 60 });
  for (let i = 0; i < 5; i++) c.notify();
  await sleep(50);
  assert.equal(runs.length, 1);
  // a notice every 10 ms never leaves a 20 ms quiet gap: maxWait must still fire runs
  const t0 = Date.now();
  runs.length = 0;
  while (Date.now() - t0 < 300) { c.notify(); await sleep(10); }
  c.stop();
  assert.ok(runs.length >= 3, `only ${runs.length} runs in 300 ms of steady notices`);
  for (let i = 1; i < runs.length; i++) assert.ok(runs[i]! - runs[i - 1]! < 120, 'no starvation');
});

test('coalescer without delay: notices of one turn run once, right after that turn; stop cancels', async () => {
  let count = 0;
  const c = new Coalescer(async () => { count++; }, { delay: 0, maxWait: 50 });
  c.notify(); c.notify(); c.notify(); // EXISTS, RECENT and the rest, read together
  assert.equal(count, 0, 'not inside the turn that noticed');
  await new Promise((r) => setImmediate(r));
  assert.equal(count, 1, 'one run, without waiting for a timer');
  c.notify();
  c.stop();
  await sleep(5);
  assert.equal(count, 1, 'a stopped coalescer runs nothing more');
});

test('coalescer: a notice during a run makes exactly one more run', async () => {
  let running = 0;
  let count = 0;
  const c = new Coalescer(async () => { running++; count++; await sleep(30); running--; }, { delay: 1, maxWait: 5 });
  c.notify();
  await sleep(10);
  assert.equal(running, 1);
  c.notify();
  c.notify();
  await sleep(80);
  assert.equal(count, 2);
  c.stop();
});
