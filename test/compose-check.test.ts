// The compose schemas and checkMessageFields: header injection, address syntax, base64, reserved
// header fields, field paths and prefixes; attachmentBytes from base64 lengths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Compile } from 'typebox/compile';
import { attachmentBytes, checkMessageFields } from '../src/messages/compose-check.js';
import { isMailboxAddress } from '../src/messages/mailbox-address.js';
import { MessageFields } from '../src/schemas/compose.js';

const BREAK = 'must not contain CR, LF or NUL';
const ADDRESS = 'is not a valid e-mail address';
const fieldsOf = (problems: { field: string }[]) => problems.map((p) => p.field);

test('the schema is closed and bounded', () => {
  const schema = Compile(MessageFields);
  assert.ok(schema.Check({ from: { address: 'a@example.com' }, to: [{ name: 'B', address: 'b@example.com' }], headers: { 'X-Foo': 'x' } }));
  assert.ok(schema.Check({}), 'an upload may be an empty draft');
  assert.equal(schema.Check({ from: { address: 'a@example.com', extra: 1 } }), false, 'addresses are closed');
  assert.equal(schema.Check({ sender: { address: 'a@example.com' } }), false, 'the message is closed');
  assert.equal(schema.Check({ attachments: [{ filename: 'x' }] }), false, 'attachment content is required');
  assert.equal(schema.Check({ attachments: [{ content: '', contentDisposition: 'related' }] }), false);
  assert.equal(schema.Check({ attachments: [{ content: '', encoding: 'hex' }] }), false);
  assert.equal(schema.Check({ headers: { 'X Foo': 'x' } }), false, 'a space is not in a field name');
  assert.equal(schema.Check({ headers: { 'X:Foo': 'x' } }), false, 'nor a colon');
  assert.equal(schema.Check({ headers: { 'X-Foo': 1 } }), false, 'values are strings');
  const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-H${i}`, 'v']));
  assert.equal(schema.Check({ headers: many }), false, 'at most 50 headers');
  assert.equal(schema.Check({ subject: 'x'.repeat(1025) }), false);
  assert.equal(schema.Check({ messageId: `<${'x'.repeat(900)}@example.com>` }), true, 'long real-world ids fit');
  assert.equal(schema.Check({ to: Array.from({ length: 1001 }, () => ({ address: 'a@example.com' })) }), false);
});

test('addresses: practical RFC 5321 mailboxes', () => {
  const good = ['a@example.com', 'first.last+tag@sub.example.co.uk', "o'neil@example.ie", 'x@localhost', 'u@[192.0.2.1]', 'u@[IPv6:2001:db8::1]', 'jürgen@bücher.de', '用户@例子.广告', `${'l'.repeat(64)}@example.com`];
  const bad = ['', 'plain', '@example.com', 'a@', 'a b@example.com', 'a@exa mple.com', '<a@example.com>', 'a@example.com, b@example.com', 'a,b@example.com', '"quoted"@example.com',
    'a..b@example.com', '.a@example.com', 'a.@example.com', 'a@-example.com', 'a@example-.com', 'a@example..com', 'a@example.com.', 'a@exa_mple.com', 'a@[300.1.1.1]', 'a@[2001:db8::1]',
    `${'l'.repeat(65)}@example.com`, `a@${'d'.repeat(64)}.com`, `a@${Array.from({ length: 65 }, () => 'abc').join('.')}`, 'a\u0001@example.com', 'a\u00a0b@example.com'];
  for (const a of good) assert.equal(isMailboxAddress(a), true, a);
  for (const a of bad) assert.equal(isMailboxAddress(a), false, a);
});

test('a CR, LF or NUL in any header-bound value is refused, naming the field', () => {
  const problems = checkMessageFields({
    subject: 'Hi\r\nBcc: victim@example.com',
    from: { name: 'Me\n', address: 'me@example.com' },
    to: [{ address: 'a@example.com' }, { address: 'b@example.com' }, { name: 'Eve\u0000', address: 'c@example.com\r\n' }],
    replyTo: [{ name: 'x\ry', address: 'r@example.com' }],
    attachments: [{ filename: 'a\n.txt', contentType: 'text/plain\r\nX-Evil: 1', cid: 'c\nid', content: '' }],
    headers: { 'X-Foo': 'one\r\n two', 'X-Ok': 'fine' },
    messageId: '<a@b>\nX: y',
  });
  assert.deepEqual(problems, [
    'subject', 'from.name', 'to.2.name', 'to.2.address', 'replyTo.0.name',
    'attachments.0.filename', 'attachments.0.contentType', 'attachments.0.cid', 'headers.X-Foo', 'messageId',
  ].map((field) => ({ field, reason: BREAK })));
  assert.deepEqual(checkMessageFields({ headers: { 'X-Bad\nName': 'v' } }), [{ field: 'headers.X-Bad\nName', reason: BREAK }]);
});

test('clean values with non-ASCII text, quotes and tabs pass', () => {
  assert.deepEqual(checkMessageFields({
    subject: 'Grüße\t日本語 🎉 "quoted" <angle>',
    from: { name: 'Bob "the builder" O\'Neil, Jr.', address: 'bob@example.org' },
    to: [{ name: '日本語 太郎', address: 'taro@example.jp' }],
    attachments: [{ filename: 'Übersicht 2024.xlsx', contentType: 'application/pdf; name="x"', cid: 'img-1@localhost', content: 'aGk=' }],
    headers: { 'X-Unicode': 'bär', 'List-Unsubscribe': '<mailto:u@example.com>', 'In-Reply-To': '<p@x>', References: '<r@x> <p@x>', Sender: 'Me <me@example.org>' },
    messageId: 'no-brackets@example.com',
  }), []);
});

test('every address is checked where it sits', () => {
  const problems = checkMessageFields({
    from: { address: 'me' },
    to: [{ address: 'ok@example.com' }, { address: 'two@@example.com' }],
    cc: [{ address: 'a b@example.com' }],
    bcc: [{ address: '<x@example.com>' }],
    replyTo: [{ address: 'x@example.com,y@example.com' }],
  });
  assert.deepEqual(problems, ['from.address', 'to.1.address', 'cc.0.address', 'bcc.0.address', 'replyTo.0.address'].map((field) => ({ field, reason: ADDRESS })));
});

test('attachment content must be base64', () => {
  const ok = ['', 'aGk=', 'aGk', 'aGVsbG8=', 'aGVs\r\nbG8=\r\n', 'AAAA', randomBytes(1000).toString('base64').replace(/.{76}/g, '$&\r\n')];
  const bad = ['a', 'aGk==x', 'aGVsbG8===', 'aGk*', 'aGk-', 'a_Gk', 'aG=k', 'aGä=', 'aGVsbG8=aGk='];
  const attachments = [...ok, ...bad].map((content) => ({ content }));
  const problems = checkMessageFields({ attachments });
  assert.deepEqual(fieldsOf(problems), bad.map((_, i) => `attachments.${ok.length + i}.content`));
  assert.ok(problems.every((p) => p.reason === 'must be valid base64'));
});

test('header fields the composer sets are refused, in any case', () => {
  const headers = {
    from: 'x', TO: 'x', Cc: 'x', bcc: 'x', 'Reply-To': 'x', SUBJECT: 'x', 'message-id': 'x', Date: 'x',
    'MIME-Version': 'x', 'content-type': 'x', 'Content-Transfer-Encoding': 'x', 'Content-Disposition': 'x', 'Content-ID': 'x', 'Return-Path': 'x',
    'X-Subject': 'allowed', 'Content-Language': 'allowed',
  };
  const problems = checkMessageFields({ headers });
  assert.deepEqual(fieldsOf(problems), Object.keys(headers).slice(0, -2).map((k) => `headers.${k}`));
  assert.equal(problems[0]?.reason, 'is set by the composer; use the "from" field');
  assert.equal(problems[4]?.reason, 'is set by the composer; use the "replyTo" field');
  assert.equal(problems[6]?.reason, 'is set by the composer; use the "messageId" field');
  assert.equal(problems[7]?.reason, 'is set by the composer');
  assert.equal(problems[13]?.reason, 'is added on delivery');
});

test('ids must be one token', () => {
  const problems = checkMessageFields({ messageId: '<a b@example.com>', attachments: [{ content: '', cid: 'x<y>' }, { content: '', cid: '<ok@x>' }] });
  assert.deepEqual(fieldsOf(problems), ['attachments.0.cid', 'messageId']);
  assert.deepEqual(checkMessageFields({ messageId: '<ok@example.com>' }), []);
  assert.deepEqual(fieldsOf(checkMessageFields({ messageId: '<<x@example.com>>' })), ['messageId']);
});

test('a prefix goes in front of every field path', () => {
  const fields = { subject: 'a\nb', to: [{ address: 'bad' }] };
  const expected = ['message.subject', 'message.to.0.address'];
  assert.deepEqual(fieldsOf(checkMessageFields(fields, 'message')), expected);
  assert.deepEqual(fieldsOf(checkMessageFields(fields, 'message.')), expected);
  assert.deepEqual(fieldsOf(checkMessageFields(fields)), ['subject', 'to.0.address']);
});

test('attachmentBytes is the decoded size, without decoding', () => {
  const sizes = [0, 1, 2, 3, 4, 1000, 4097];
  for (const size of sizes) {
    const b64 = randomBytes(size).toString('base64');
    assert.equal(attachmentBytes({ attachments: [{ content: b64 }] }), size, `padded, ${size} bytes`);
    assert.equal(attachmentBytes({ attachments: [{ content: b64.replace(/=+$/, '') }] }), size, `unpadded, ${size} bytes`);
    assert.equal(attachmentBytes({ attachments: [{ content: b64.replace(/.{76}/g, '$&\r\n') }] }), size, `wrapped, ${size} bytes`);
  }
  const all = sizes.map((size) => ({ content: randomBytes(size).toString('base64') }));
  assert.equal(attachmentBytes({ attachments: all }), sizes.reduce((a, b) => a + b, 0));
  assert.equal(attachmentBytes({}), 0);
  assert.ok(attachmentBytes({ attachments: [{ content: '*'.repeat(400) }] }) >= 300, 'not base64: still counted for the limit');
});
