import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountGate } from '../src/http/account-gate.js';
import { ApiError } from '../src/errors.js';

const later = () => {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const p = new Promise<void>((resolve, reject) => { open = resolve; fail = reject; });
  return { p, open, fail };
};

test('at most `limit` calls of one account at once; other accounts are not counted against it', async () => {
  const gate = new AccountGate(2);
  const a = [later(), later()];
  const running = a.map((l) => gate.run('a', () => l.p));
  assert.equal(gate.inFlight('a'), 2);
  await assert.rejects(gate.run('a', async () => 'x'), (err: ApiError) => err.code === 'TooManyRequests' && err.status === 429
    && (err.details as Record<string, unknown>).limit === 2 && /--account-concurrency/.test(err.message));
  assert.equal(await gate.run('b', async () => 'b'), 'b');
  assert.equal(await gate.run(undefined, async () => 'none'), 'none');
  a[0]!.open();
  await running[0];
  assert.equal(gate.inFlight('a'), 1);
  assert.equal(await gate.run('a', async () => 'again'), 'again');
  a[1]!.fail(new Error('shard failed'));
  await assert.rejects(running[1]!, /shard failed/);
  assert.equal(gate.inFlight('a'), 0);
});

test('a call that throws at once gives its place back', async () => {
  const gate = new AccountGate(1);
  await assert.rejects(gate.run('a', () => { throw new Error('sync'); }), /sync/);
  assert.equal(gate.inFlight('a'), 0);
});
