// Pure pieces of the write and send paths: UID sets, special folders by flag or name, the
// envelope of a raw submission (and its Bcc line removed), and the raw upload checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListResponse } from 'imapflow';
import { uidSet } from '../src/imap/uid-set.js';
import { findSpecial } from '../src/imap/special-use.js';
import { rawSubmission } from '../src/messages/submission.js';
import { decodeRaw } from '../src/http/raw-message.js';
import { ApiError } from '../src/errors.js';

test('UID sets fold runs into ranges, sorted, each UID once', () => {
  assert.equal(uidSet([7, 1, 2, 3, 9, 10, 3]), '1:3,7,9:10');
  assert.equal(uidSet([5]), '5');
  assert.equal(uidSet([]), '');
  assert.equal(uidSet(Array.from({ length: 10_000 }, (_, i) => i + 1)), '1:10000');
});

const folder = (path: string, specialUse?: string, flags: string[] = []): ListResponse =>
  ({ path, name: path.split('/').pop()!, specialUse, flags: new Set(flags), delimiter: '/' }) as unknown as ListResponse;

test('special folders: the SPECIAL-USE flag wins over a name, names count without it, \\Noselect never', () => {
  assert.equal(findSpecial([folder('Trash'), folder('Bin', '\\Trash')], '\\Trash')?.path, 'Bin');
  assert.equal(findSpecial([folder('INBOX'), folder('Deleted Items')], '\\Trash')?.path, 'Deleted Items');
  assert.equal(findSpecial([folder('Sent Mail', undefined, ['\\Noselect'])], '\\Sent'), undefined);
  assert.equal(findSpecial([folder('Archive')], '\\Trash'), undefined);
});

test('a raw submission: envelope from From/To/Cc/Bcc, the Bcc field (folded too) removed, a Message-ID added', () => {
  const raw = Buffer.from('From: "Ann" <ann@example.com>\r\nTo: bob@example.org, "C, D" <cd@example.net>\r\nBcc: x@example.com,\r\n\ty@example.com\r\nCc: bob@example.org\r\nSubject: hi\r\n\r\nBcc: not a header\r\n');
  const sub = rawSubmission(raw, 'mail.example', new Date('2026-12-01T12:00:00Z'));
  assert.deepEqual(sub.envelope, { from: 'ann@example.com', to: ['bob@example.org', 'cd@example.net', 'x@example.com', 'y@example.com'] });
  const out = Buffer.from(sub.raw).toString();
  assert.ok(!/^bcc:/im.test(out.split('\r\n\r\n')[0]!), 'no Bcc field in the header');
  assert.ok(!out.includes('y@example.com'), 'not its folded line either');
  assert.ok(out.endsWith('\r\n\r\nBcc: not a header\r\n'), 'the body is untouched');
  assert.match(sub.messageId, /^<[0-9a-f-]+@mail\.example>$/);
  assert.ok(out.includes(`\r\nMessage-ID: ${sub.messageId}\r\n`));
  assert.ok(out.startsWith('Date: Tue, 01 Dec 2026 12:00:00 +0000\r\n'), 'a Date is added when missing');
  assert.equal(sub.subject, 'hi');
  const kept = rawSubmission(Buffer.from('From: a@b.c\r\nTo: d@e.f\r\nMessage-ID: <given@x>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nx'), 'y');
  assert.equal(kept.messageId, '<given@x>');
  assert.ok(Buffer.from(kept.raw).toString().startsWith('From: a@b.c'), 'a complete message is sent as it is');
  assert.throws(() => rawSubmission(Buffer.from('Subject: nobody\r\n\r\nx'), 'y'), (e: ApiError) => e.code === 'ValidationError');
  const last = rawSubmission(Buffer.from('From: a@b.c\r\nTo: d@e.f\r\nDate: x\r\nMessage-ID: <m@x>\r\nBcc: e@f.g\r\n\r\nbody'), 'y');
  assert.equal(Buffer.from(last.raw).toString(), 'From: a@b.c\r\nTo: d@e.f\r\nDate: x\r\nMessage-ID: <m@x>\r\n\r\nbody', 'Bcc as the last field leaves no blank line behind');
});

test('raw uploads: decoded, refused when too large (before decoding) or not a message', () => {
  const msg = Buffer.from('Subject: ok\r\n\r\nbody');
  assert.deepEqual(Buffer.from(decodeRaw(msg.toString('base64'), 1000)), msg);
  assert.throws(() => decodeRaw(Buffer.alloc(2000, 'a').toString('base64'), 1000), (e: ApiError) => e.status === 413 && (e.details as { limit: number }).limit === 1000);
  assert.throws(() => decodeRaw(Buffer.from('just text').toString('base64'), 1000), (e: ApiError) => e.status === 400);
});
