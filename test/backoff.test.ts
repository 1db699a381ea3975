import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../src/lib/backoff.js';

test('doubles from base, stays within [d/2, d], and is capped', () => {
  const b = new Backoff({ base: 1000, cap: 8000 });
  const delays = Array.from({ length: 6 }, () => b.next());
  const ceilings = [1000, 2000, 4000, 8000, 8000, 8000];
  delays.forEach((d, i) => {
    assert.ok(d >= ceilings[i]! / 2 && d <= ceilings[i]!, `attempt ${i}: ${d}`);
  });
});

test('jitter spreads reconnects, reset starts over', () => {
  const lo = new Backoff({ base: 1000, cap: 60_000 }, () => 0);
  const hi = new Backoff({ base: 1000, cap: 60_000 }, () => 1);
  assert.equal(lo.next(), 500);
  assert.equal(hi.next(), 1000);
  hi.next();
  hi.reset();
  assert.equal(hi.next(), 1000);
  assert.equal(hi.attempts, 1);
});
