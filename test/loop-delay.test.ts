// The event-loop delay a thread reports: near 0 when idle, the length of a block when one
// happened, and a fresh window once the old one is read past its age.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoopDelay } from '../src/lib/loop-delay.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a 150 ms block shows as the max, an idle loop as next to nothing, then a new window starts', async () => {
  const loop = new LoopDelay(400);
  await sleep(150);
  const block = Date.now();
  while (Date.now() - block < 150) { /* the thread is busy: timers wait */ }
  await sleep(100);
  const busy = loop.read();
  assert.ok(busy.max >= 120 && busy.max < 400, JSON.stringify(busy));
  assert.ok(busy.p50 < 5, JSON.stringify(busy));
  await sleep(250); // the window is now older than 400 ms: this read ends it
  loop.read();
  await sleep(150);
  const calm = loop.read();
  loop.stop();
  assert.ok(calm.max < 100, `a new window forgets the block: ${JSON.stringify(calm)}`);
});
