// Request validation (http/validate.ts): problems named per field, and a value far past its
// schema's bounds refused at once, not after a walk of every element (issue 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileValidator } from '../src/http/validate.js';
import { SearchBody } from '../src/schemas/message.js';
import { SubmitBody } from '../src/schemas/submit.js';
import { AccountInput, AccountListQuery } from '../src/schemas/account.js';
import type { FieldProblem } from '../src/errors.js';

function problems(check: () => unknown): FieldProblem[] {
  try {
    check();
  } catch (err) {
    return (err as { details: FieldProblem[] }).details;
  }
  throw new Error('the value passed');
}

test('a 50,000-element or is refused in well under a second, naming the bound', () => {
  const v = compileValidator(SearchBody, 'body');
  const t0 = Date.now();
  const found = problems(() => v.check({ search: { or: new Array(50_000).fill({ seen: true }) } }));
  assert.ok(Date.now() - t0 < 500, `${Date.now() - t0} ms`);
  assert.deepEqual(found, [{ field: 'search.or', reason: 'must not have more than 10 items' }]);
  const nested = problems(() => v.check({ search: { not: { or: new Array(50_000).fill({ seen: true }) } } }));
  assert.ok(nested.some((p) => p.field === 'search.not.or' && p.reason === 'must not have more than 10 items'), JSON.stringify(nested));
  assert.ok(nested.length <= 20);
});

test('many unknown fields are each named, not "is invalid"', () => {
  const v = compileValidator(SubmitBody, 'body');
  const body = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
  const found = problems(() => v.check({ subject: 'ok', ...body }));
  assert.ok(found.length >= 5, JSON.stringify(found));
  assert.deepEqual(found[0], { field: 'k0', reason: 'unknown field' });
  assert.ok(found.every((p) => p.reason === 'unknown field'), JSON.stringify(found));
  assert.deepEqual(problems(() => v.check({ k1: 1, subject: 2 })).map((p) => p.field).sort(), ['k1', 'subject']);
});

test('values within their bounds are checked whole: a bad element after a cut-off point is found', () => {
  const v = compileValidator(SubmitBody, 'body');
  const to = new Array(999).fill({ address: 'a@example.com' });
  to.push({ address: 1 });
  assert.deepEqual(problems(() => v.check({ to })), [{ field: 'to.999.address', reason: 'must be string' }]);
  assert.equal(v.check({ to: to.slice(0, 999) }) !== undefined, true);
});

test('a failing object is reported field by field: nested paths, words from the schema, required and unknown together', () => {
  const account = compileValidator(AccountInput, 'body');
  const found = problems(() => account.check({ account: 'a', imap: { host: 'h', port: 'x', auth: { user: 'u', pass: 'p', extra: 1 } }, path: 'IN\rBOX', nope: true }));
  assert.deepEqual(found, [
    { field: 'imap.port', reason: 'must be integer' },
    { field: 'imap.auth.extra', reason: 'unknown field' },
    { field: 'path', reason: 'must not contain control characters such as CR, LF or NUL' },
    { field: 'nope', reason: 'unknown field' },
  ]);
  assert.deepEqual(problems(() => account.check({ imap: { host: 'h', port: 1 } })), [{ field: 'account', reason: 'is required' }]);
  const query = compileValidator(AccountListQuery, 'query');
  const bad = problems(() => query.check({ state: 'nonsense' }));
  assert.equal(bad.length, 1);
  assert.equal(bad[0]!.field, 'state');
  assert.match(bad[0]!.reason, /^must be one of: init, connecting/);
  // not an object at all: the whole schema's words
  assert.deepEqual(problems(() => account.check([1])), [{ field: 'body', reason: 'must be object' }]);
});
