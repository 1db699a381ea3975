// The refusal cache of a route (http/refusals.ts): a repeated bad request gets the same 400 as
// the first time, each time a new error; only validation refusals are kept, and only so many.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, validationError } from '../src/errors.js';
import { Refusals } from '../src/http/refusals.js';

test('a kept refusal comes back as an equal, new 400; other errors and huge keys are not kept', () => {
  const r = new Refusals();
  const first = validationError([{ field: 'state', reason: 'must be one of: a, b' }], 'Invalid query');
  r.keep('state=x', first);
  const again = r.get('state=x');
  assert.ok(again instanceof ApiError);
  assert.notEqual(again, first);
  assert.deepEqual([again.code, again.status, again.message, again.details], [first.code, first.status, first.message, first.details]);
  r.keep('gone', new ApiError('AccountNotFound', 'no such account'));
  assert.equal(r.get('gone'), undefined);
  r.keep('x'.repeat(5000), first);
  assert.equal(r.get('x'.repeat(5000)), undefined);
});

test('at most 256 kept: the oldest goes first', () => {
  const r = new Refusals();
  for (let i = 0; i < 300; i++) r.keep(`k${i}`, validationError([{ field: 'f', reason: String(i) }]));
  assert.equal(r.get('k0'), undefined);
  assert.equal(r.get('k43'), undefined);
  assert.deepEqual(r.get('k44')?.details, [{ field: 'f', reason: '44' }]);
  assert.ok(r.get('k299'));
});
