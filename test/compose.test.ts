// composeMessage round trips through mailparser: headers, bodies, attachments, threading ids,
// Bcc only in a stored copy, the envelope, the quoted copy of a forward, and a run on the pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { composeMessage } from '../src/parse/compose.js';
import { ParsePool } from '../src/parse/pool.js';
import type { ComposeTask } from '../src/parse/types.js';
import type { MessageFields } from '../src/schemas/compose.js';

const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=', 'base64');
const BLOB = randomBytes(10_000);

function task(fields: MessageFields, extra: Partial<ComposeTask> = {}): ComposeTask {
  return { kind: 'compose', fields, keepBcc: false, ...extra };
}

async function parsed(raw: Uint8Array): Promise<ParsedMail> {
  return await simpleParser(Buffer.from(raw), { keepCidLinks: true, skipHtmlToText: true });
}

/** [name, address] pairs of an address header, as mailparser reads them. */
function pairs(value: AddressObject | AddressObject[] | undefined): [string, string][] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((o) => o.value.map((a): [string, string] => [a.name, a.address ?? '']));
}

const FULL: MessageFields = {
  from: { name: 'Jürgen Müller', address: 'juergen@example.de' },
  to: [{ name: '日本語 太郎', address: 'taro@example.jp' }, { address: 'alice@example.com' }],
  cc: [{ name: 'Bob "the builder" O\'Neil', address: 'bob@example.org' }],
  bcc: [{ name: 'Secret', address: 'hidden@example.net' }],
  replyTo: [{ name: 'Replies', address: 'replies@example.de' }],
  subject: 'Grüße 日本語 🎉',
  text: 'Tere, õäöü!\nSecond line\n\n-- \nJürgen\n',
  html: '<html><body><p>Tere, <b>õäöü</b>!</p><img src="cid:logo@example.de"></body></html>',
  attachments: [
    { filename: 'logo.gif', content: GIF.toString('base64'), contentType: 'image/gif', contentDisposition: 'inline', cid: 'logo@example.de' },
    { filename: 'Übersicht 2024.bin', content: BLOB.toString('base64').replace(/.{76}/g, '$&\r\n'), contentType: 'application/octet-stream' },
  ],
  headers: { 'X-Mailer-Test': 'yes', 'X-Unicode': 'bär' },
  messageId: 'given-1@example.de',
};

test('a full message round trips through mailparser', async () => {
  const date = '2024-03-01T10:20:30.000Z';
  const res = await composeMessage(task(FULL, { keepBcc: true, date, inReplyTo: '<parent@x.example>', references: ['<root@x.example>', '<parent@x.example>'] }));
  const raw = Buffer.from(res.raw).toString('latin1');
  assert.doesNotMatch(raw, /[^\r]\n/, 'every line ends in CRLF');
  const mail = await parsed(res.raw);
  assert.equal(mail.subject, 'Grüße 日本語 🎉');
  assert.deepEqual(pairs(mail.from), [['Jürgen Müller', 'juergen@example.de']]);
  assert.deepEqual(pairs(mail.to), [['日本語 太郎', 'taro@example.jp'], ['', 'alice@example.com']]);
  assert.deepEqual(pairs(mail.cc), [['Bob "the builder" O\'Neil', 'bob@example.org']]);
  assert.deepEqual(pairs(mail.bcc), [['Secret', 'hidden@example.net']]);
  assert.deepEqual(pairs(mail.replyTo), [['Replies', 'replies@example.de']]);
  assert.equal(mail.text, FULL.text);
  assert.equal(mail.html, FULL.html);
  assert.equal(mail.messageId, '<given-1@example.de>');
  assert.equal(res.messageId, '<given-1@example.de>');
  assert.equal(mail.inReplyTo, '<parent@x.example>');
  assert.deepEqual(mail.references, ['<root@x.example>', '<parent@x.example>']);
  assert.equal(mail.date?.toISOString(), date);
  assert.equal(mail.headers.get('x-mailer-test'), 'yes');
  assert.match(raw, /\r\nX-Unicode: =\?UTF-8\?Q\?b=C3=A4r\?=\r\n/, 'a non-ASCII value goes in an encoded word');

  const [logo, blob] = mail.attachments;
  assert.equal(mail.attachments.length, 2);
  assert.deepEqual([logo?.filename, logo?.contentType, logo?.cid, logo?.contentDisposition], ['logo.gif', 'image/gif', 'logo@example.de', 'inline']);
  assert.ok(logo?.content.equals(GIF));
  assert.deepEqual([blob?.filename, blob?.contentType, blob?.contentDisposition], ['Übersicht 2024.bin', 'application/octet-stream', 'attachment']);
  assert.ok(blob?.content.equals(BLOB), 'attachment bytes survive base64 with line breaks');
});

test('Bcc is kept only in a stored copy; the envelope always has every recipient once', async () => {
  const fields: MessageFields = { ...FULL, to: [...(FULL.to ?? []), { address: 'ALICE@example.com' }], cc: [{ address: 'Hidden@Example.net' }, ...(FULL.cc ?? [])] };
  const sent = await composeMessage(task(fields, { keepBcc: false }));
  assert.doesNotMatch(Buffer.from(sent.raw).toString(), /^Bcc:/im);
  assert.equal((await parsed(sent.raw)).bcc, undefined);
  const stored = await composeMessage(task(fields, { keepBcc: true }));
  assert.match(Buffer.from(stored.raw).toString(), /^Bcc: Secret <hidden@example\.net>\r$/m);
  for (const res of [sent, stored]) {
    assert.deepEqual(res.envelope, {
      from: 'juergen@example.de',
      // nodemailer writes domains in lower case (and IDNs in their A-label form)
      to: ['taro@example.jp', 'alice@example.com', 'Hidden@example.net', 'bob@example.org'],
    });
  }
});

test('a generated Message-ID uses the given domain, else the from domain, else imapapi.local', async () => {
  const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  const cases: [ComposeTask, RegExp][] = [
    [task({ from: { address: 'me@example.org' } }, { messageIdDomain: 'mail.example.com' }), new RegExp(`^<${uuid}@mail\\.example\\.com>$`)],
    [task({ from: { address: 'me@example.org' } }), new RegExp(`^<${uuid}@example\\.org>$`)],
    [task({ from: { address: 'me@bücher.de' } }), new RegExp(`^<${uuid}@xn--bcher-kva\\.de>$`)],
    [task({ to: [{ address: 'you@example.org' }] }), new RegExp(`^<${uuid}@imapapi\\.local>$`)],
    [task({ messageId: '<kept@example.com>' }), /^<kept@example\.com>$/],
  ];
  const seen = new Set<string>();
  for (const [t, pattern] of cases) {
    const res = await composeMessage(t);
    assert.match(res.messageId, pattern);
    assert.equal((await parsed(res.raw)).messageId, res.messageId, 'the header carries the same id');
    seen.add(res.messageId);
  }
  assert.equal(seen.size, cases.length, 'generated ids differ');
});

test('without a from the envelope sender is null; without a date the Date is now', async () => {
  const before = Date.now() - 1000;
  const res = await composeMessage(task({ replyTo: [{ address: 'r@example.com' }], to: [{ address: 't@example.com' }], text: 'x' }));
  assert.deepEqual(res.envelope, { from: null, to: ['t@example.com'] });
  const date = (await parsed(res.raw)).date?.getTime() ?? 0;
  assert.ok(date >= before && date <= Date.now() + 1000, `Date ${date} is now`);
  await assert.rejects(composeMessage(task({ text: 'x' }, { date: 'yesterday' })), /invalid date/);
});

test('custom headers cannot displace the fields the composer sets', async () => {
  // compose-check refuses these; the composer still lets its own fields win should one get past
  const res = await composeMessage(task({ subject: 'Real', headers: { Subject: 'Fake', 'X-Tag': 'a' } }));
  const mail = await parsed(res.raw);
  assert.equal(mail.subject, 'Real');
  assert.equal(Buffer.from(res.raw).toString().match(/^Subject:/gim)?.length, 1);
  assert.equal(mail.headers.get('x-tag'), 'a');
});

test('extra attachments of a forward are added, inline ones with their cid', async () => {
  const pdf = new Uint8Array(randomBytes(3000));
  const res = await composeMessage(task({ html: '<p>see <img src="cid:orig@x"></p>', text: 'see' }, {
    extraAttachments: [
      { filename: 'orig.pdf', contentType: 'application/pdf', content: pdf },
      { filename: 'orig.gif', contentType: 'image/gif', content: new Uint8Array(GIF), cid: 'orig@x', inline: true },
    ],
  }));
  const mail = await parsed(res.raw);
  const byName = new Map(mail.attachments.map((a) => [a.filename, a]));
  assert.ok(byName.get('orig.pdf')?.content.equals(Buffer.from(pdf)));
  assert.equal(byName.get('orig.pdf')?.contentDisposition, 'attachment');
  assert.equal(byName.get('orig.gif')?.cid, 'orig@x');
  assert.equal(byName.get('orig.gif')?.contentDisposition, 'inline');
  assert.ok(byName.get('orig.gif')?.content.equals(GIF));
});

test('a quoted copy goes below the text and inside the html body', async () => {
  const quoted = { text: '> quoted line', html: '<blockquote>quoted</blockquote>' };
  const both = await parsed((await composeMessage(task({ text: 'Mine\n', html: '<html><body><p>Mine</p></body></html>' }, { quoted }))).raw);
  assert.equal(both.text, 'Mine\n\n> quoted line');
  assert.equal(both.html, '<html><body><p>Mine</p><blockquote>quoted</blockquote>\n</body></html>');

  const htmlRaw = (await composeMessage(task({ html: '<p>Mine</p>' }, { quoted }))).raw;
  // a single-part message ends in the CRLF MailComposer puts after the last line
  assert.equal((await parsed(htmlRaw)).html, '<p>Mine</p>\n<blockquote>quoted</blockquote>\n');
  assert.doesNotMatch(Buffer.from(htmlRaw).toString(), /text\/plain/, 'an html-only message stays html-only');

  const textRaw = (await composeMessage(task({ text: 'Mine' }, { quoted }))).raw;
  assert.equal((await parsed(textRaw)).text, 'Mine\n\n> quoted line\n');
  assert.doesNotMatch(Buffer.from(textRaw).toString(), /text\/html/, 'a text-only message stays text-only');

  const bare = await parsed((await composeMessage(task({}, { quoted }))).raw);
  assert.equal(bare.text, '> quoted line');
  assert.equal(bare.html, '<blockquote>quoted</blockquote>');
});

test('a compose task runs on the pool; its buffers move both ways', async (t) => {
  const pool = new ParsePool({ maxThreads: 1 });
  t.after(() => pool.close());
  const content = new Uint8Array(randomBytes(20_000));
  const copy = Buffer.from(content);
  const running = pool.run(task({ ...FULL, attachments: [] }, {
    keepBcc: true,
    extraAttachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content }],
  }));
  assert.equal(content.byteLength, 0, 'the attachment was moved to the pool thread, not copied');
  const res = await running;
  assert.ok(res.raw instanceof Uint8Array && res.raw.byteLength > 20_000);
  assert.equal(res.raw.byteOffset, 0);
  assert.equal(res.raw.buffer.byteLength, res.raw.byteLength, 'raw arrives as its own buffer');
  const mail = await parsed(res.raw);
  assert.equal(mail.subject, FULL.subject);
  assert.ok(mail.attachments[0]?.content.equals(copy));
  assert.deepEqual(pairs(mail.bcc), [['Secret', 'hidden@example.net']]);
  assert.equal(res.messageId, '<given-1@example.de>');

  // a small Buffer is a slice of the worker's shared pool: sent as is, it would arrive as a view
  // into a copy of the whole 8 KiB pool (or, moved, detach the worker's pool)
  const small = await pool.run(task({ subject: 'tiny', text: 'x' }));
  assert.ok(small.raw.byteLength < 4096);
  assert.deepEqual([small.raw.byteOffset, small.raw.buffer.byteLength], [0, small.raw.byteLength]);
  assert.equal((await parsed(small.raw)).subject, 'tiny');
});
