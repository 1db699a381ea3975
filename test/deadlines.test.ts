// The shared deadline timer: each entry expires once, on time, unless deleted first, whatever
// order entries with different timeouts are added in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deadlines } from '../src/lib/deadlines.js';

function entry(ms: number, fired: Map<string, number>, name: string, t0: number) {
  return { at: performance.now() + ms, expire: () => fired.set(name, performance.now() - t0) };
}

test('entries expire at their own time, a shorter one added later first; deleted ones never', async () => {
  const d = new Deadlines();
  const fired = new Map<string, number>();
  const t0 = performance.now();
  d.add(entry(300, fired, 'long', t0));
  d.add(entry(60, fired, 'short', t0));
  const gone = entry(120, fired, 'deleted', t0);
  d.add(gone);
  d.add(entry(150, fired, 'middle', t0));
  d.delete(gone);
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual([...fired.keys()], ['short', 'middle', 'long']);
  const within = (name: string, ms: number) => assert.ok(fired.get(name)! >= ms - 1 && fired.get(name)! < ms + 150, `${name} at ${fired.get(name)} ms, due at ${ms}`);
  within('short', 60);
  within('middle', 150);
  within('long', 300);
  assert.equal(d.size, 0);
});

test('an entry added after the timer fired with nothing due is still expired', async () => {
  const d = new Deadlines();
  const fired = new Map<string, number>();
  const t0 = performance.now();
  const first = entry(30, fired, 'first', t0);
  d.add(first);
  d.delete(first);
  await new Promise((r) => setTimeout(r, 60));
  d.add(entry(30, fired, 'second', t0));
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual([...fired.keys()], ['second']);
});
