// The delivery engine on a real LMDB log and a real HTTP receiver, in-process and fast:
// order per account, parallel accounts, the request cap, filters, parking at the end of the
// retention window, resuming from stored cursors, and retention pruning around held events.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName, NewEvent } from '../src/events/types.js';
import { createLogger } from '../src/log.js';
import { CursorStore } from '../src/store/cursors.js';
import { DeadLetterStore } from '../src/store/dead-letters.js';
import { openEnv, type StoreEnv } from '../src/store/env.js';
import { EventLog } from '../src/store/events.js';
import { CONTENT_WAIT, Dispatcher, type DispatcherDeps } from '../src/webhooks/dispatcher.js';
import { eventFilter, type Target } from '../src/webhooks/policy.js';
import { enforceRetention } from '../src/webhooks/retention.js';
import { Sender } from '../src/webhooks/sender.js';
import { startReceiver, type Receiver, type Responder } from './helpers/receiver.js';

const log = createLogger('silent', 'test');
const cleanups: (() => Promise<void>)[] = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

interface Bed {
  env: StoreEnv; events: EventLog; cursors: CursorStore; dead: DeadLetterStore; receiver: Receiver; target: Target;
  dispatcher(opts?: { retention?: number; concurrency?: number; content?: DispatcherDeps['content'] }): Dispatcher;
  append(account: string, n?: number, event?: EventName, date?: string): Promise<number[]>;
}

async function bed(respond: Responder = () => 200, events: string[] = ['*'], timeout = 2000): Promise<Bed> {
  const dir = await mkdtemp(join(tmpdir(), 'imapapi-webhooks-'));
  const env = openEnv(dir);
  const receiver = await startReceiver(respond);
  const sender = new Sender({ timeout, connections: 16 });
  const log_ = new EventLog(env.root);
  const cursors = new CursorStore(env.root, 'webhook');
  const dead = new DeadLetterStore(env.root);
  const made: Dispatcher[] = [];
  cleanups.push(async () => {
    for (const d of made) await d.close(100);
    await sender.close();
    await cursors.flushed();
    await receiver.close();
    await env.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    env, events: log_, cursors, dead, receiver,
    target: { url: receiver.url, secret: null, events: eventFilter(events) },
    dispatcher: (opts = {}) => {
      const d = new Dispatcher({
        events: log_, cursors, dead, sender, log, retention: opts.retention ?? 60_000, concurrency: opts.concurrency ?? 8, backoff: { base: 40, cap: 200 },
        ...(opts.content ? { content: opts.content } : {}),
      });
      made.push(d);
      return d;
    },
    async append(account, n = 1, event = 'accountAdded', date) {
      const list: NewEvent[] = Array.from({ length: n }, (_, i) => ({ account, path: null, event, data: { i } }));
      let ids: number[] = [];
      await env.root.transaction(() => { ids = log_.appendSync(list, date).map((e) => e.id); });
      return ids;
    },
  };
}

const idsOf = (payloads: any[], account: string) => payloads.filter((p) => p.account === account).map((p) => Number(p.id));

test('in order per account; a failing account does not hold up the others', async () => {
  let aFailures = 0;
  const b = await bed((req) => (req.json.account === 'a' && aFailures++ < 4 ? 500 : 200));
  for (let round = 0; round < 5; round++) for (const acc of ['a', 'b', 'c']) await b.append(acc);
  b.dispatcher().start(b.target, 0);
  await b.receiver.waitFor(() => b.receiver.accepted().length === 15, 10_000, '15 accepted');
  const accepted = b.receiver.accepted();
  for (const acc of ['a', 'b', 'c']) {
    const ids = idsOf(accepted, acc);
    assert.equal(ids.length, 5, acc);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y), `${acc} in order`);
  }
  const firstA = b.receiver.requests.findIndex((r) => r.json.account === 'a' && r.status === 200);
  const lastBC = Math.max(...b.receiver.requests.map((r, i) => (r.json.account !== 'a' ? i : -1)));
  assert.ok(lastBC < firstA, 'b and c were done while a was still failing');
  // the failing event was retried, never one behind it
  assert.deepEqual([...new Set(b.receiver.requests.filter((r) => r.json.account === 'a').map((r) => Number(r.json.id)))], idsOf(accepted, 'a'));
});

test('no more requests in flight than the cap, and every account gets through', async () => {
  let open = 0;
  let peak = 0;
  const b = await bed(async () => {
    peak = Math.max(peak, ++open);
    await new Promise((r) => setTimeout(r, 30));
    open--;
    return 200;
  });
  for (let i = 0; i < 40; i++) await b.append(`acc-${i}`, 2);
  b.dispatcher({ concurrency: 4 }).start(b.target, 0);
  await b.receiver.waitFor(() => b.receiver.accepted().length === 80, 10_000, '80 accepted');
  assert.ok(peak <= 4, `peak ${peak}`);
  assert.equal(peak, 4, 'the cap is used');
});

test('filtered events are skipped and the cursor moves past them; nothing before `from` is sent', async () => {
  const b = await bed(() => 200, ['messageNew']);
  const [old] = await b.append('a', 1, 'messageNew');
  const skipped = await b.append('a', 3, 'accountAdded');
  const [wantedId] = await b.append('a', 1, 'messageNew');
  const tail = await b.append('a', 2, 'connectError');
  b.dispatcher().start(b.target, old!);
  await b.receiver.waitFor(() => b.receiver.accepted().length === 1);
  assert.deepEqual(b.receiver.accepted().map((p) => Number(p.id)), [wantedId]);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(b.receiver.requests.length, 1);
  assert.equal(b.cursors.get('a'), tail[1]);
  assert.ok(skipped.every((id) => id < wantedId!));
});

test('an event refused until its retention window ends is parked, then the account moves on', async () => {
  const b = await bed((req) => (req.json.event === 'connectError' ? 500 : 200));
  // the window counts from the event's date: measured from before it is logged, not after
  const t0 = Date.now();
  const [bad] = await b.append('a', 1, 'connectError');
  const [good] = await b.append('a', 1, 'accountAdded');
  b.dispatcher({ retention: 700 }).start(b.target, 0);
  await b.receiver.waitFor(() => b.receiver.accepted().length === 1, 5000);
  assert.equal(Number(b.receiver.accepted()[0].id), good);
  assert.ok(Date.now() - t0 >= 650, 'the next event waited for the window to end');
  const parked = b.dead.get(bad!);
  assert.ok(parked);
  assert.equal(parked.status, 500);
  assert.equal(parked.reason, 'HTTP 500');
  assert.ok(parked.attempts >= 3, `attempts ${parked.attempts}`);
  assert.equal(parked.event.event, 'connectError');
  assert.equal(b.dead.count('a'), 1);
  // the cursor is stored after the receiver's answer: wait for that commit, not just the request
  for (const until = Date.now() + 5000; b.cursors.get('a') !== good && Date.now() < until;) await new Promise((r) => setTimeout(r, 10));
  assert.equal(b.cursors.get('a'), good);
});

test('a receiver that is down or never answers: parked with the network reason and no status', async () => {
  const hangs = await bed(() => new Promise<number>(() => {}), ['*'], 150);
  const [hung] = await hangs.append('h');
  hangs.dispatcher({ retention: 500 }).start(hangs.target, 0);
  const down = await bed(() => 200);
  await down.receiver.close();
  const [refused] = await down.append('d');
  down.dispatcher({ retention: 500 }).start(down.target, 0);
  await new Promise((r) => setTimeout(r, 1200));
  assert.deepEqual({ ...hangs.dead.get(hung!), attempts: 0, parkedAt: '', event: null }, { status: null, reason: 'timeout after 150 ms', attempts: 0, parkedAt: '', event: null });
  assert.ok(hangs.dead.get(hung!)!.attempts >= 2);
  const parked = down.dead.get(refused!)!;
  assert.equal(parked.status, null);
  assert.match(parked.reason, /ECONNREFUSED/);
});

test('a new dispatcher resumes after the stored cursors', async () => {
  const b = await bed();
  await b.append('a', 3);
  const first = b.dispatcher();
  first.start(b.target, 0);
  await b.receiver.waitFor(() => b.receiver.accepted().length === 3);
  await first.close(100);
  await b.cursors.flushed();
  const later = await b.append('a', 2);
  b.dispatcher().start(b.target, 0);
  await b.receiver.waitFor(() => b.receiver.accepted().length === 5);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(b.receiver.requests.slice(3).map((r) => Number(r.json.id)), later);
});

test('retention parks what nobody reached, and keeps an event a lane is still sending', async () => {
  let slow = true;
  const b = await bed(async () => {
    if (slow) await new Promise((r) => setTimeout(r, 300));
    return 500;
  });
  const old = new Date(Date.now() - 120_000).toISOString();
  const unreached = await b.append('x', 2, 'accountAdded', old);
  const d = b.dispatcher({ retention: 60_000 });
  d.start(b.target, 0);
  // retention runs before the first scan has created any lane
  const first = await enforceRetention({ events: b.events, dispatcher: d, retention: 60_000, log });
  assert.deepEqual(first, { parked: 2, removed: 1 }, 'the newest event always stays');
  assert.deepEqual(unreached.map((id) => b.dead.get(id)?.attempts), [0, 0]);

  const [held] = await b.append('y', 1, 'accountAdded', old);
  d.wake();
  await b.receiver.waitFor((r) => r.some((q) => Number(q.json.id) === held));
  const during = await enforceRetention({ events: b.events, dispatcher: d, retention: 60_000, log });
  assert.deepEqual(during, { parked: 0, removed: 0 }, 'the event in flight stays');
  assert.ok(b.events.get(held!));
  slow = false;
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(b.dead.get(held!)?.attempts, 1, 'parked by its lane after the one late attempt');
  assert.deepEqual(await enforceRetention({ events: b.events, dispatcher: d, retention: 60_000, log }), { parked: 0, removed: 1 });
  assert.equal(b.receiver.requests.filter((r) => r.json.account === 'x').length, 0, 'the unreached events were never sent');
});

test('issue-14: a messageNew whose content cannot be had waits a while, then goes out saying so and unblocks its account', async () => {
  const b = await bed();
  const target = { ...b.target, content: { text: true, textSize: 0, headers: [] } };
  const content = async (): Promise<never> => { throw new Error('Account "a" is authenticationError'); };
  const old = new Date(Date.now() - CONTENT_WAIT - 60_000).toISOString();
  const [stale] = await b.append('a', 1, 'messageNew', old);
  const [after] = await b.append('a', 1, 'authenticationError', old);
  const [fresh] = await b.append('b', 1, 'messageNew');
  b.dispatcher({ content }).start(target, 0);
  await b.receiver.waitFor(() => b.receiver.accepted().filter((p) => p.account === 'a').length === 2, 5_000, 'both events of a');
  const [first, second] = b.receiver.accepted().filter((p) => p.account === 'a');
  assert.deepEqual([Number(first.id), Number(second.id)], [stale, after], 'in order');
  assert.match(first.data.contentUnavailable, /could not be fetched.*authenticationError/);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!b.receiver.requests.some((r) => Number(r.json.id) === fresh), 'a recent one still waits for its content');
});
