// parseText and parseHeaders against real mailparser: transfer encodings, charsets, flowed text,
// cut bodies, and the text parts of realistic messages split the way an IMAP server serves them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { parseHeaders } from '../src/parse/headers.js';
import { parseText } from '../src/parse/text.js';
import type { TextPartInput } from '../src/parse/types.js';
import { buildMessage, seedSpec } from './helpers/seed.js';

type PartOptions = Omit<Partial<TextPartInput>, 'body'>;

function part(body: Uint8Array | string, opts: PartOptions = {}): TextPartInput {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return { part: '1', type: 'text/plain', body: bytes, truncated: false, ...opts };
}

async function plainOf(p: TextPartInput): Promise<string | null> {
  return (await parseText({ kind: 'text', parts: [p] })).plain;
}

const qp = (text: string) => qpWrap(qpEncode(Buffer.from(text)), 76);
const base64 = (bytes: Buffer) => bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
const MIXED = 'Tere, õäöü ÕÄÖÜ! 日本語のテキスト 😀🎉 and plain ASCII at the end.';

test('quoted-printable UTF-8 with Estonian, Japanese and emoji', async () => {
  const text = `${MIXED}\n${MIXED.repeat(3)}\n`;
  const encoded = qp(text.replace(/\n/g, '\r\n'));
  assert.match(encoded, /=\r\n/, 'long lines carry soft breaks');
  assert.equal(await plainOf(part(encoded, { charset: 'UTF-8', encoding: 'Quoted-Printable' })), text);
});

test('base64 html comes back as html only, no text derived from it', async () => {
  const html = `<!doctype html><html><body><p>${MIXED}</p>${'<p>lõik</p>'.repeat(40)}</body></html>`;
  const res = await parseText({
    kind: 'text',
    parts: [part(base64(Buffer.from(html)), { type: 'text/html', charset: 'utf-8', encoding: 'BASE64' })],
  });
  assert.deepEqual(res, { plain: null, html });
});

test('single-byte and ISO-2022-JP charsets decode by their BODYSTRUCTURE name', async () => {
  const cases: { charset: string; bytes: number[] | Buffer; text: string }[] = [
    { charset: 'ISO-8859-1', bytes: Buffer.from('Grüße, Ångström £5', 'latin1'), text: 'Grüße, Ångström £5' },
    // 0x80 €, 0x93/0x94 curly quotes and 0x85 … exist in windows-1252 only, not in latin1
    { charset: 'windows-1252', bytes: [0x80, 0x35, 0x20, 0x93, 0x68, 0x69, 0x94, 0x85], text: '€5 “hi”…' },
    { charset: 'koi8-r', bytes: [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4], text: 'Привет' },
    { charset: 'iso-2022-jp', bytes: Buffer.from('1b2442467c4b5c386c1b2842', 'hex'), text: '日本語' },
  ];
  for (const c of cases) {
    const bytes = Buffer.from(c.bytes);
    assert.equal(await plainOf(part(bytes, { charset: c.charset, encoding: '8bit' })), c.text, c.charset);
    const viaBase64 = part(base64(bytes), { charset: c.charset, encoding: 'base64' });
    assert.equal(await plainOf(viaBase64), c.text, `${c.charset} in base64`);
  }
});

test('an unknown or missing charset decodes without throwing', async () => {
  assert.equal(await plainOf(part('plain ascii', { charset: 'x-no-such-charset' })), 'plain ascii');
  assert.equal(await plainOf(part('õ without charset')), 'õ without charset');
  // UTF-7 is refused by mailparser (it could smuggle markup) and stays as it came
  assert.equal(await plainOf(part('+ADw-b+AD4-', { charset: 'utf-7' })), '+ADw-b+AD4-');
});

test('parameter values cannot inject header lines into the wrapper document', async () => {
  const sneaky = part('aGVsbG8=', { charset: 'utf-8"\r\nContent-Transfer-Encoding: base64\r\nX: "', encoding: '7bit' });
  assert.equal(await plainOf(sneaky), 'aGVsbG8=');
});

test('format=flowed joins soft-broken lines, delsp=yes drops the space', async () => {
  const body = 'This is a long \r\nparagraph.\r\nNew line.\r\n';
  assert.equal(await plainOf(part(body, { format: 'flowed' })), 'This is a long paragraph.\nNew line.');
  const delsp = 'Donau\r\ndampf \r\nschiff\r\n';
  assert.equal(await plainOf(part(delsp, { format: 'Flowed', delsp: 'yes' })), 'Donau\ndampfschiff');
  assert.equal(await plainOf(part(delsp)), 'Donau\ndampf \nschiff\n', 'no format parameter, no flowing');
});

test('decoded: true bytes (FETCH BINARY) are not transfer-decoded again', async () => {
  const text = 'QUJD is not base64 here, =C3=B5 is not QP: õ';
  assert.equal(await plainOf(part(text, { encoding: 'base64', decoded: true })), text);
  assert.equal(await plainOf(part(text, { encoding: 'quoted-printable', decoded: true })), text);
});

test('several plain parts are joined with a newline, html kept apart', async () => {
  const res = await parseText({
    kind: 'text',
    parts: [
      part('first part'),
      part('<b>bold</b>', { part: '2', type: 'text/html' }),
      part(qp('second õ'), { part: '3', encoding: 'quoted-printable', charset: 'utf-8' }),
    ],
  });
  assert.deepEqual(res, { plain: 'first part\nsecond õ', html: '<b>bold</b>' });
  assert.deepEqual(await parseText({ kind: 'text', parts: [] }), { plain: null, html: null });
});

/** Cuts an encoded body at every length and checks each result is a clean prefix of `text`. */
async function everyCut(text: string, encoded: Buffer, opts: PartOptions, minChars: (cut: number) => number) {
  for (let cut = 0; cut <= encoded.length; cut++) {
    const got = await plainOf(part(encoded.subarray(0, cut), { ...opts, truncated: true }));
    assert.ok(got !== null && text.startsWith(got), `cut ${cut}: ${JSON.stringify(got)} is not a prefix`);
    assert.ok([...got].length >= minChars(cut), `cut ${cut}: only ${[...got].length} characters`);
  }
}

// whole characters fully present in the first n bytes of a UTF-8 string
function charsIn(text: string, n: number): number {
  let bytes = 0;
  let chars = 0;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > n) break;
    chars++;
  }
  return chars;
}

test('a cut base64 body decodes every complete byte, never a made-up tail', async () => {
  const text = `õäöü 日本語 😀 ${MIXED}`;
  const encoded = Buffer.from(base64(Buffer.from(text)));
  // each base64 char carries 6 bits, so n chars hold floor(6n / 8) whole bytes
  const bytesIn = (b64: Buffer, cut: number) => Math.floor((b64.subarray(0, cut).toString().replace(/[\s=]/g, '').length * 6) / 8);
  await everyCut(text, encoded, { encoding: 'base64', charset: 'utf-8' }, (cut) => charsIn(text, bytesIn(encoded, cut)));
  const latin = 'Grüße aus München, Ångström!';
  const latinEncoded = Buffer.from(base64(Buffer.from(latin, 'latin1')));
  await everyCut(latin, latinEncoded, { encoding: 'base64', charset: 'iso-8859-1' }, (cut) => bytesIn(latinEncoded, cut));
});

test('a cut quoted-printable body drops a half escape and a half character', async () => {
  const text = `õäöü 日本語 😀 ${MIXED}`;
  const encoded = Buffer.from(qp(text));
  // every three encoded bytes carry at least one decoded byte, and QP decoding drops whitespace
  // at the end of a line (RFC 2045 §6.7 rule 3), which a cut end is
  await everyCut(text, encoded, { encoding: 'quoted-printable', charset: 'utf-8' }, (cut) => {
    const prefix = [...text].slice(0, charsIn(text, Math.floor(cut / 3)));
    return [...prefix.join('').trimEnd()].length;
  });
});

test('a cut 8bit UTF-8 body drops only the partial character', async () => {
  const text = `õäöü 日本語 😀🎉 ${MIXED}`;
  await everyCut(text, Buffer.from(text), { encoding: '8bit' }, (cut) => charsIn(text, cut));
});

test('a cut ISO-2022-JP body drops a half character or escape', async () => {
  // "日本語テキスト" in JIS X 0208 between ESC $ B and ESC ( B
  const encoded = Buffer.from('1b2442467c4b5c386c2546252d253925481b2842', 'hex');
  await everyCut('日本語テキスト', encoded, { charset: 'ISO-2022-JP', encoding: '7bit' }, (cut) =>
    Math.min(7, Math.max(0, Math.floor((cut - 3) / 2))),
  );
});

test('parseHeaders unfolds, keeps repeats in order and leaves encoded-words alone', () => {
  const raw = Buffer.from(
    'Received: from a\r\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000\r\n' +
      'Received: from c by d\r\n' +
      'Subject: =?UTF-8?Q?=C3=B5?=\r\n =?UTF-8?Q?=C3=A4?=\r\n' +
      'X-Empty:\r\n' +
      'X-Spaced :  value  \r\n' +
      'To: Jürgen <j@example.de>\r\n' +
      '__proto__: not a prototype\r\n' +
      '\r\n' +
      'Body: is not a header\r\n',
  );
  const headers = parseHeaders(raw);
  assert.deepEqual(headers, {
    received: ['from a\tby b; Mon, 1 Jan 2024 00:00:00 +0000', 'from c by d'],
    subject: ['=?UTF-8?Q?=C3=B5?= =?UTF-8?Q?=C3=A4?='],
    'x-empty': [''],
    'x-spaced': ['value'],
    to: ['Jürgen <j@example.de>'],
    ['__proto__']: ['not a prototype'],
  });
  assert.equal(Object.getPrototypeOf(headers), Object.prototype);
});

test('parseHeaders takes bare LF lines and skips lines that are not fields', () => {
  const raw = Buffer.from(' stray continuation\nFrom someone Mon Jan 1\nSubject: a\n  b\nno colon here\nX-A: 1');
  assert.deepEqual(parseHeaders(raw), { subject: ['a  b'], 'x-a': ['1'] });
  assert.deepEqual(parseHeaders(new Uint8Array(0)), {});
});

test('parseText returns the headers only when asked', async () => {
  const headers = Buffer.from('Subject: hi\r\nX-Folded: a\r\n b\r\n\r\n');
  assert.deepEqual(await parseText({ kind: 'text', parts: [part('x')], headers }), {
    plain: 'x',
    html: null,
    headers: { subject: ['hi'], 'x-folded': ['a b'] },
  });
  assert.equal('headers' in (await parseText({ kind: 'text', parts: [part('x')] })), false);
});

interface Leaf { part: string; headers: Record<string, string[]>; body: Buffer }

/** Splits a CRLF message into leaf parts numbered and cut the way IMAP BODY[n] returns them. */
function splitMime(raw: Buffer, path = ''): Leaf[] {
  const end = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.subarray(0, end + 2));
  const body = raw.subarray(end + 4);
  const boundary = /boundary="?([^";]+)/i.exec(headers['content-type']?.[0] ?? '')?.[1];
  if (!boundary) return [{ part: path || '1', headers, body }];
  const delimiter = `\r\n--${boundary}`;
  const leaves: Leaf[] = [];
  let at = body.indexOf(`--${boundary}`) - 2;
  for (let n = 1; body.subarray(at + delimiter.length, at + delimiter.length + 2).toString() !== '--'; n++) {
    const start = body.indexOf('\r\n', at + delimiter.length) + 2;
    const next = body.indexOf(delimiter, start);
    leaves.push(...splitMime(body.subarray(start, next), path ? `${path}.${n}` : `${n}`));
    at = next;
  }
  return leaves;
}

const isTextType = (type: string): type is TextPartInput['type'] => type === 'text/plain' || type === 'text/html';
const param = (value: string, name: string) => new RegExp(`;\\s*${name}="?([^";\\s]+)`, 'i').exec(value)?.[1];

function textParts(raw: Buffer): TextPartInput[] {
  return splitMime(raw).flatMap((leaf) => {
    const contentType = leaf.headers['content-type']?.[0] ?? 'text/plain';
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    if (/^attachment/i.test(leaf.headers['content-disposition']?.[0] ?? '')) return [];
    if (!isTextType(type)) return [];
    const charset = param(contentType, 'charset');
    const encoding = leaf.headers['content-transfer-encoding']?.[0];
    return [{ part: leaf.part, type, body: leaf.body, truncated: false, ...(charset ? { charset } : {}), ...(encoding ? { encoding } : {}) }];
  });
}

test('seeded messages: text and html parts decode to what was composed', async () => {
  const encodings = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const spec = seedSpec(i);
    const raw = await buildMessage(spec);
    const parts = textParts(raw);
    for (const p of parts) encodings.add(p.encoding?.toLowerCase() ?? '7bit');
    const headerBlock = raw.subarray(0, raw.indexOf('\r\n\r\n') + 4);
    const res = await parseText({ kind: 'text', parts, headers: headerBlock });
    assert.equal(res.plain, spec.text, `message ${i} text`);
    assert.equal(res.html, spec.html, `message ${i} html`);
    assert.deepEqual(res.headers?.['message-id'], [spec.messageId]);
  }
  assert.ok(encodings.has('quoted-printable'), [...encodings].join());
});

test('a composed message with mostly non-Latin text (base64 parts) decodes exactly', async () => {
  const text = `${'日本語のテキストです。絵文字も 😀🎉。\n'.repeat(30)}終わり\n`;
  const html = `<p>${'Привет, мир! Ölçü. 😀 '.repeat(30)}</p>`;
  // newline exists in MailComposer but not in @types/nodemailer (see helpers/seed.ts)
  const mail: Mail.Options & { newline: string } = { from: 'a@example.com', to: 'b@example.com', text, html, newline: 'windows' };
  const raw = await new MailComposer(mail).compile().build();
  const parts = textParts(raw);
  assert.deepEqual(parts.map((p) => [p.part, p.type, p.encoding?.toLowerCase()]), [
    ['1', 'text/plain', 'base64'],
    ['2', 'text/html', 'base64'],
  ]);
  assert.deepEqual(await parseText({ kind: 'text', parts }), { plain: text, html });
});
