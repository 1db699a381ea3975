// ParsePool with real piscina threads: tasks run off the calling thread, owned buffers are
// moved rather than copied, and close() drains accepted tasks before stopping the threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp/index.js';
import { ParsePool } from '../src/parse/pool.js';
import type { ParseTask, TextPartInput } from '../src/parse/types.js';

function part(body: Uint8Array, opts: Omit<Partial<TextPartInput>, 'body'> = {}): TextPartInput {
  return { part: '1', type: 'text/plain', charset: 'utf-8', body, truncated: false, ...opts };
}

test('a task runs on a pool thread and is counted', async (t) => {
  const pool = new ParsePool({ maxThreads: 1 });
  t.after(() => pool.close());
  assert.deepEqual(pool.stats, { threads: 1, queued: 0, completed: 0 }, 'one warm thread from the start');
  const res = await pool.run({
    kind: 'text',
    parts: [part(Buffer.from('Tere, õäöü!')), part(Buffer.from('PGI+8J+YgDwvYj4='), { type: 'text/html', encoding: 'base64' })],
    headers: Buffer.from('Subject: =?UTF-8?Q?=C3=B5?=\r\n\r\n'),
  });
  assert.deepEqual(res, { plain: 'Tere, õäöü!', html: '<b>😀</b>', headers: { subject: ['=?UTF-8?Q?=C3=B5?='] } });
  assert.equal(pool.stats.completed, 1);
});

test('the calling thread keeps running timers while a large body is decoded', async (t) => {
  const pool = new ParsePool({ maxThreads: 1 });
  t.after(() => pool.close());
  await pool.run({ kind: 'text', parts: [] }); // thread started and mailparser loaded
  const text = 'Tere õäöü 日本語 😀 '.repeat(60_000);
  const body = new Uint8Array(Buffer.from(qpWrap(qpEncode(Buffer.from(text)), 76)));
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 2);
  const started = performance.now();
  const res = await pool.run({ kind: 'text', parts: [part(body, { encoding: 'quoted-printable' })] });
  const elapsed = performance.now() - started;
  clearInterval(timer);
  assert.equal(res.plain, text);
  // decoded on this thread, the whole parse would be a single gap between timer ticks
  assert.ok(elapsed > 40, `decode took only ${elapsed.toFixed(1)} ms, too short to tell`);
  assert.ok(maxGap < elapsed / 2, `timer stalled ${maxGap.toFixed(1)} ms of ${elapsed.toFixed(1)} ms`);
});

test('buffers owning their memory are moved, pooled and sliced buffers are copied', async (t) => {
  const pool = new ParsePool({ maxThreads: 1 });
  t.after(() => pool.close());
  const owned = new Uint8Array(Buffer.from('owned õ'));
  const headers = new Uint8Array(Buffer.from('X-A: 1\r\n'));
  const pooled = Buffer.from('pooled small');
  assert.ok(pooled.buffer.byteLength > pooled.byteLength, 'Buffer.from of a short string is a slice of the shared pool');
  const big = Buffer.alloc(64 * 1024, 'x');
  const slice = big.subarray(100, 110);
  // two views of one whole buffer: listing it twice in a transfer list would throw
  const twice = new Uint8Array(Buffer.from('twice'));
  const again = new Uint8Array(twice.buffer);

  const task: ParseTask = {
    kind: 'text',
    parts: [part(owned), part(pooled, { part: '2' }), part(slice, { part: '3' }), part(twice, { part: '4' }), part(again, { part: '5' })],
    headers,
  };
  const running = pool.run(task);
  assert.equal(owned.byteLength, 0, 'owned body detached as soon as run() returns');
  assert.equal(headers.byteLength, 0, 'owned headers detached');
  assert.equal(twice.byteLength, 0);
  assert.equal(again.byteLength, 0);
  assert.equal(pooled.toString(), 'pooled small', 'pooled Buffer left intact');
  assert.equal(slice.toString(), 'x'.repeat(10));
  assert.equal(big.byteLength, 64 * 1024, 'the sliced-from buffer left intact');

  const res = await running;
  assert.deepEqual(res, { plain: `owned õ\npooled small\n${'x'.repeat(10)}\ntwice\ntwice`, html: null, headers: { 'x-a': ['1'] } });
});

test('a task kind the worker does not know rejects the run', async (t) => {
  const pool = new ParsePool({ maxThreads: 1 });
  t.after(() => pool.close());
  await assert.rejects(pool.run({ kind: 'nope' } as unknown as ParseTask), /unknown parse task kind: nope/);
});

test('close() lets accepted tasks finish on every thread, then refuses new ones', async () => {
  const pool = new ParsePool({ maxThreads: 3, minThreads: 3 });
  const runs = Array.from({ length: 30 }, (_, i) => pool.run({ kind: 'text', parts: [part(Buffer.from(`task ${i}`))] }));
  const closed = pool.close();
  const results = await Promise.allSettled(runs);
  await closed;
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value.plain : String(r.reason))),
    runs.map((_, i) => `task ${i}`),
  );
  assert.equal(pool.stats.threads, 0);
  assert.equal(pool.stats.completed, 30);
  await assert.rejects(pool.run({ kind: 'text', parts: [] }), { code: 'ShuttingDown' });
  await pool.close(); // a second close is harmless
});
