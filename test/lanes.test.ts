// The retry engine on its own: a held item is retried before anything behind it, a released one
// lets the lane move on, `wakeAt` defers a lane, and the slot cap holds across lanes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lanes, type Next, type Pick } from '../src/lib/lanes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function queueWork(items: Map<string, number[]>, fails: (key: string, item: number, attempt: number) => boolean, next: (key: string, item: number) => Next) {
  const log: string[] = [];
  let open = 0;
  let peak = 0;
  const work = {
    pick: (key: string): Pick<number> => {
      const list = items.get(key) ?? [];
      return list.length ? { item: list[0]! } : null;
    },
    run: async (key: string, item: number, attempt: number) => {
      peak = Math.max(peak, ++open);
      await sleep(5);
      open--;
      log.push(`${key}${item}#${attempt}`);
      return !fails(key, item, attempt);
    },
    settle: (key: string, item: number, ok: boolean): Next => {
      if (ok) { items.get(key)!.shift(); return 'pick'; }
      return next(key, item);
    },
  };
  return { work, log, peak: () => peak };
}

test('a held item is retried before the items behind it; other lanes go on meanwhile', async () => {
  const items = new Map([['a', [1, 2]], ['b', [1]]]);
  const q = queueWork(items, (k, i, n) => k === 'a' && i === 1 && n < 3, () => ({ retryAt: Date.now() + 10 }));
  const lanes = new Lanes(q.work, 4);
  lanes.wake('a');
  lanes.wake('b');
  while (lanes.open) await sleep(5);
  assert.deepEqual(q.log.filter((l) => l.startsWith('a')), ['a1#1', 'a1#2', 'a1#3', 'a2#1']);
  assert.ok(q.log.indexOf('b1#1') < q.log.indexOf('a1#2'), 'b was not held up by a');
});

test('a released item lets the lane pick again; wakeAt defers a lane until then', async () => {
  const due = new Map([['x', Date.now() + 60]]);
  const log: string[] = [];
  const lanes = new Lanes<string, boolean>({
    pick: (key) => {
      const at = due.get(key);
      if (at === undefined) return null;
      return at > Date.now() ? { wakeAt: at } : { item: key };
    },
    run: async (key) => { log.push(`${key}@${Date.now()}`); return true; },
    settle: (key) => { due.delete(key); return 'pick'; },
  }, 1);
  const t0 = Date.now();
  lanes.wake('x');
  lanes.wake('x');
  while (lanes.open) await sleep(5);
  assert.equal(log.length, 1, 'one lane per key');
  assert.ok(Number(log[0]!.split('@')[1]) - t0 >= 55, 'ran only when due');
});

test('no more attempts in flight than the cap, and a cleared lane records nothing', async () => {
  const items = new Map(Array.from({ length: 10 }, (_, i) => [`k${i}`, [1, 2]] as [string, number[]]));
  const q = queueWork(items, () => false, () => 'pick');
  const lanes = new Lanes(q.work, 3);
  for (const k of items.keys()) lanes.wake(k);
  while (lanes.open) await sleep(5);
  assert.equal(q.peak(), 3);
  assert.equal(q.log.length, 20);

  const settled: number[] = [];
  const slow = new Lanes<number, boolean>({
    pick: () => ({ item: 1 }), run: async () => { await sleep(30); return true; }, settle: (_k, i) => { settled.push(i); return 'pick'; },
  }, 1);
  slow.wake('a');
  slow.clear();
  await slow.close();
  assert.deepEqual(settled, []);
});

test('wake() makes a lane sleeping until a later item look again now (new work came)', async () => {
  const due = new Map<string, number>([['late', Date.now() + 60_000]]);
  const ran: string[] = [];
  const lanes = new Lanes<string, boolean>({
    pick: () => {
      let next: [string, number] | undefined;
      for (const entry of due) if (!next || entry[1] < next[1]) next = entry;
      if (!next) return null;
      return next[1] > Date.now() ? { wakeAt: next[1] } : { item: next[0] };
    },
    run: async (_k, item) => { ran.push(item); return true; },
    settle: (_k, item) => { due.delete(item); return 'pick'; },
  }, 1);
  lanes.wake('acc');
  due.set('now', Date.now());
  lanes.wake('acc');
  await sleep(30);
  assert.deepEqual(ran, ['now'], 'the new item did not wait for the scheduled one');
  lanes.clear();
});
