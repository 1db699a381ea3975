// Enums matched in any case (the original's `x-convert: lower`): the declared spelling comes
// out, other fields are left alone, and schemas without the mark are not walked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SubmitBody } from '../src/schemas/submit.js';
import { compileValidator } from '../src/http/validate.js';
import { canonicalize, hasCaseless } from '../src/http/caseless.js';
import { FlagUpdate } from '../src/schemas/write.js';

test('reference.action and contentDisposition in any case become the declared values', () => {
  const body = compileValidator(SubmitBody, 'body').check({
    reference: { message: 'AAAAAQAAAAE', action: 'REPLYALL' }, to: [{ address: 'a@example.com' }], subject: 'Hi', text: 'x',
    attachments: [{ filename: 'a.txt', content: 'eA==', contentDisposition: 'INLINE', cid: 'x@y' }],
  }) as { reference: { action: string }; attachments: { contentDisposition: string; filename: string }[]; subject: string };
  assert.equal(body.reference.action, 'replyAll');
  assert.equal(body.attachments[0]!.contentDisposition, 'inline');
  assert.equal(body.attachments[0]!.filename, 'a.txt', 'other strings keep their case');
  assert.equal(body.subject, 'Hi');
});

test('a value that matches none in any case is still refused with the allowed ones', () => {
  assert.throws(() => compileValidator(SubmitBody, 'body').check({ reference: { message: 'AAAAAQAAAAE', action: 'Reply-To' }, text: 'x' }),
    (err: { details?: { field: string; reason: string }[] }) => err.details?.some((d) => d.field === 'reference.action' && /one of: reply, replyAll, forward/.test(d.reason)) === true);
});

test('only marked schemas are walked', () => {
  assert.equal(hasCaseless(FlagUpdate), false);
  assert.equal(hasCaseless(SubmitBody), true);
  assert.deepEqual(canonicalize(FlagUpdate, { add: ['\\SEEN'] }), { add: ['\\SEEN'] });
});
