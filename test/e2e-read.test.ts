// Reading messages end to end: for every seeded message (multipart/alternative, attachments,
// non-ASCII headers) the parsed text, the attachment bytes and the raw source equal what was
// appended, and reads never disturb the account's IDLE connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeMessageId } from '../src/ids.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, buildMessage, imapClient, seedSpec, type SeedSpec } from './helpers/seed.js';
import { SMALL_TEXT_BYTES } from '../src/actors/ops/small-text.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

const RECEIVED = new Date('2025-06-07T08:09:10.000Z');

const COUNT = 48;
let dovecot: Dovecot;
let server: RunningServer;
let seeded: { uid: number; spec: SeedSpec; raw: Buffer }[];
let login: { host: string; port: number; user: string; pass: string };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const get = (path: string) => api(server.url, 'GET', path);

before(async () => {
  dovecot = await startDovecot();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('read'), pass: dovecot.password };
  seeded = await appendMessages(login, 'Seeded', COUNT, { internalDate: RECEIVED });
  server = await startServer();
  await api(server.url, 'POST', '/v1/account', exampleAccount('reader', login));
  await eventually(async () => (await get('/v1/account/reader')).body.state === 'connected');
});
after(async () => {
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('the list shows every seeded message newest first with decoded headers', async () => {
  const list = (await get('/v1/account/reader/messages?path=Seeded&pageSize=100')).body;
  assert.equal(list.total, COUNT);
  assert.deepEqual(list.messages.map((m: { uid: number }) => m.uid), seeded.map((s) => s.uid).sort((a, b) => b - a));
  const folderId = decodeMessageId(list.messages[0].id).mailbox;
  for (const m of list.messages) {
    const { spec } = seeded.find((s) => s.uid === m.uid)!;
    assert.deepEqual(decodeMessageId(m.id), { mailbox: folderId, uid: m.uid });
    assert.equal(m.subject, spec.subject);
    assert.deepEqual(m.from, spec.from);
    assert.deepEqual(m.to, spec.to);
    assert.equal(m.messageId, spec.messageId);
    // `date` is the internal (received) date, as the original's document says, not the Date header
    assert.equal(m.date, RECEIVED.toISOString());
    assert.notEqual(m.date, spec.date.toISOString());
    assert.equal(m.unseen, true);
    assert.ok(m.text.encodedSize.plain > 0 && m.text.encodedSize.html > 0);
    assert.deepEqual((m.attachments ?? []).map((a: { filename: string }) => a.filename), spec.attachments.map((a) => a.filename));
  }
});

test('for each message: parsed text, attachment bytes and raw source equal what was appended', async () => {
  const list = (await get('/v1/account/reader/messages?path=Seeded&pageSize=100')).body;
  let attachments = 0;
  for (const m of list.messages) {
    const { spec, raw } = seeded.find((s) => s.uid === m.uid)!;
    const one = await get(`/v1/account/reader/message/${m.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.text.plain, spec.text, `plain of uid ${m.uid}`);
    assert.equal(one.body.text.html, spec.html, `html of uid ${m.uid}`);
    assert.equal(one.body.text.hasMore, false);
    assert.deepEqual(one.body.headers['message-id'], [spec.messageId]);
    if (/[^\x00-\x7f]/.test(spec.subject)) assert.ok(one.body.headers.subject?.[0]?.includes('=?'), 'headers are raw, encoded-words kept');
    else assert.deepEqual(one.body.headers.subject, [spec.subject]);

    const text = await get(`/v1/account/reader/text/${m.text.id}`);
    assert.deepEqual(text.body, { plain: spec.text, html: spec.html, hasMore: false });

    for (const [i, a] of (m.attachments ?? []).entries()) {
      const res = await fetch(`${server.url}/v1/account/reader/attachment/${a.id}`);
      assert.equal(res.status, 200);
      const body = new Uint8Array(await res.arrayBuffer());
      assert.equal(sha(body), sha(spec.attachments[i]!.content), `attachment ${a.filename} of uid ${m.uid}`);
      assert.equal(res.headers.get('content-type'), spec.attachments[i]!.contentType);
      const disposition = res.headers.get('content-disposition') ?? '';
      assert.ok(disposition.includes(`filename*=UTF-8''${encodeURIComponent(a.filename)}`), disposition);
      attachments++;
    }

    const source = await fetch(`${server.url}/v1/account/reader/message/${m.id}/source`);
    assert.equal(source.headers.get('content-type'), 'message/rfc822');
    assert.ok(Buffer.from(await source.arrayBuffer()).equals(raw), `source of uid ${m.uid}`);
  }
  assert.ok(attachments > COUNT / 2, `only ${attachments} attachments checked`);
});

test('HEAD answers what GET would, without the bytes: source, attachment, JSON, and a 404', async () => {
  const [m] = (await get('/v1/account/reader/messages?path=Seeded&pageSize=100')).body.messages as { id: string; uid: number; attachments: { id: string; contentType: string }[] }[];
  assert.ok(m);
  const { raw } = seeded.find((s) => s.uid === m.uid)!;
  const head = (path: string) => fetch(`${server.url}${path}`, { method: 'HEAD' });
  const source = await head(`/v1/account/reader/message/${m.id}/source`);
  assert.equal(source.status, 200);
  assert.equal(source.headers.get('content-type'), 'message/rfc822');
  assert.equal(source.headers.get('content-length'), String(raw.length), 'the length a GET sends');
  assert.equal((await source.arrayBuffer()).byteLength, 0);
  const file = m.attachments[0];
  if (file) {
    const res = await head(`/v1/account/reader/attachment/${file.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), file.contentType);
  }
  const json = await head('/v1/account/reader/mailboxes');
  assert.equal(json.status, 200);
  const full = await fetch(`${server.url}/v1/account/reader/mailboxes`);
  assert.equal(json.headers.get('content-length'), String((await full.arrayBuffer()).byteLength));
  const missing = await head('/v1/account/reader/message/AAAAAQAPQkA/source');
  assert.equal(missing.status, 404);
  assert.equal((await missing.arrayBuffer()).byteLength, 0);
  // the server is still up and serving after the HEADs
  assert.equal((await get('/v1/account/reader')).status, 200);
});

test('maxBytes cuts the text and says so', async () => {
  const m = (await get('/v1/account/reader/messages?path=Seeded&pageSize=1')).body.messages[0];
  const { spec } = seeded.find((s) => s.uid === m.uid)!;
  const cut = await get(`/v1/account/reader/message/${m.id}?maxBytes=20`);
  assert.equal(cut.body.text.hasMore, true);
  assert.ok(spec.text.startsWith(cut.body.text.plain.replace(/\uFFFD$/, '')), cut.body.text.plain);
  assert.ok(cut.body.text.plain.length > 0 && cut.body.text.plain.length < spec.text.length);
  const text = await get(`/v1/account/reader/text/${m.text.id}?maxBytes=20`);
  assert.equal(text.body.hasMore, true);
  assert.equal((await get(`/v1/account/reader/text/${m.text.id}?maxBytes=-1`)).status, 400);
  // the original IMAP API declares 0 as a valid value: here it means the default cap
  assert.deepEqual((await get(`/v1/account/reader/text/${m.text.id}?maxBytes=0`)).body, { plain: spec.text, html: spec.html, hasMore: false });
});

test('missing and malformed ids: 404 and 400', async () => {
  const m = (await get('/v1/account/reader/messages?path=Seeded&pageSize=1')).body.messages[0];
  const { mailbox } = decodeMessageId(m.id);
  const gone = Buffer.alloc(8);
  gone.writeUInt32BE(mailbox, 0);
  gone.writeUInt32BE(999_999, 4);
  const missing = await get(`/v1/account/reader/message/${gone.toString('base64url')}`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'MessageNotFound');
  assert.equal((await get('/v1/account/reader/message/AAAAMAAAAAE')).status, 404, 'unknown folder id');
  const bad = await get('/v1/account/reader/message/AAAAAQAAAeEA');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'InvalidId');
  assert.equal((await get(`/v1/account/reader/attachment/${m.id}`)).status, 400);
  // parts that do not exist (IMAP would answer them with empty content) and containers
  const part = (p: string) => Buffer.concat([Buffer.from(m.id, 'base64url'), Buffer.from(p)]).toString('base64url');
  for (const p of ['9', '9.9', '0', '1']) {
    const res = await fetch(`${server.url}/v1/account/reader/attachment/${part(p)}`);
    assert.equal(res.status, 404, `part ${p}`);
    assert.equal(((await res.json()) as { code: string }).code, 'MessageNotFound');
  }
  const folder = await get('/v1/account/reader/messages?path=No%20Such%20Folder');
  assert.equal(folder.status, 404);
  assert.equal(folder.body.code, 'MailboxNotFound');
  assert.match(folder.body.message, /No Such Folder/);
});

test('pages past the end are empty, pageSize is bounded', async () => {
  const past = (await get('/v1/account/reader/messages?path=Seeded&page=50')).body;
  assert.deepEqual({ ...past, messages: past.messages.length }, { total: COUNT, page: 50, pages: Math.ceil(COUNT / 20), messages: 0 });
  assert.equal((await get('/v1/account/reader/messages?path=Seeded&pageSize=1001')).status, 400);
  assert.equal((await get('/v1/account/reader/messages?path=Seeded&pageSize=0')).status, 400);
  assert.equal((await get('/v1/account/reader/messages')).status, 400, 'path is required');
});

test('texts either side of the size the shard decodes itself read the same as the rest', async () => {
  const line = 'Õunad, äri ja üllatused — 苹果 🍎 = equals at the end=\n';
  // text bytes; encoded (quoted-printable here) plain and html together come to ~3.5 times as many
  const sizes = [500, 3000, 6000, 20000];
  const client = await imapClient(login);
  const made: { uid: number; spec: SeedSpec }[] = [];
  try {
    await client.mailboxCreate('Sizes');
    for (const [k, bytes] of sizes.entries()) {
      const base = seedSpec(1000 + k);
      const text = line.repeat(Math.ceil(bytes / Buffer.byteLength(line)));
      const spec = { ...base, text, html: `<p>${text.replace(/\n/g, '<br>')}</p>`, attachments: [] };
      const res = await client.append('Sizes', await buildMessage(spec));
      assert.ok(res && res.uid);
      made.push({ uid: res.uid, spec });
    }
  } finally {
    await client.logout();
  }
  const listed = await get('/v1/account/reader/messages?path=Sizes');
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  const list = listed.body.messages as { uid: number; id: string; text: { id: string; encodedSize: { plain: number; html: number } } }[];
  const encoded = list.map((m) => m.text.encodedSize.plain + m.text.encodedSize.html).sort((a, b) => a - b);
  assert.ok(encoded[1]! < SMALL_TEXT_BYTES - 1000 && encoded[2]! > SMALL_TEXT_BYTES, `encoded sizes ${encoded} straddle ${SMALL_TEXT_BYTES}`);
  for (const { uid, spec } of made) {
    const m = list.find((x) => x.uid === uid)!;
    const one = await get(`/v1/account/reader/message/${m.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual([one.body.text.plain, one.body.text.html, one.body.text.hasMore], [spec.text, spec.html, false], `message of ${spec.text.length} chars`);
    assert.deepEqual(one.body.headers['message-id'], [spec.messageId]);
    const plain = await get(`/v1/account/reader/text/${m.text.id}?textType=plain`);
    assert.deepEqual(plain.body, { plain: spec.text, hasMore: false });
  }
});

test('a page listed again shows what changed since, as a first listing would: flags, deletions, new mail, a recreated folder', async () => {
  const client = await imapClient(login);
  const page = () => get('/v1/account/reader/messages?path=Again&pageSize=5').then((r) => r.body);
  try {
    await client.mailboxCreate('Again');
    for (let i = 0; i < 8; i++) await client.append('Again', `Subject: again ${i}\r\n\r\nbody ${i}\r\n`);
    const first = await page();
    await page(); // the folder's entries are now known: the next listing asks for flags first
    const [a, b, c] = first.messages as { uid: number; subject: string }[];
    await client.mailboxOpen('Again');
    await client.messageFlagsAdd(String(a!.uid), ['\\Flagged'], { uid: true });
    await client.messageFlagsAdd(String(b!.uid), ['\\Seen', '$Label1'], { uid: true });
    await client.messageDelete(String(c!.uid), { uid: true });
    const added = await client.append('Again', 'Subject: again new\r\n\r\nnew\r\n');
    const again = await page();
    assert.equal(again.total, 8);
    const bySubject = new Map((again.messages as { subject: string; uid: number; flags: string[]; unseen: boolean; flagged: boolean }[]).map((m) => [m.subject, m]));
    assert.deepEqual([...bySubject.keys()], ['again new', 'again 7', 'again 6', 'again 4', 'again 3']);
    assert.equal(bySubject.get('again new')!.uid, added && added.uid);
    assert.deepEqual([bySubject.get(a!.subject)!.flags, bySubject.get(a!.subject)!.flagged], [['\\Flagged'], true]);
    assert.deepEqual([[...bySubject.get(b!.subject)!.flags].sort(), bySubject.get(b!.subject)!.unseen], [['$Label1', '\\Seen'], false]);
    // everything but the flags reads as it did the first time
    const strip = ({ flags, unseen, flagged, ...rest }: { flags: unknown; unseen: unknown; flagged: unknown }) => rest;
    assert.deepEqual(strip(bySubject.get(a!.subject)! as never), strip(first.messages[0]));
    // the same name, a new folder (a new UIDVALIDITY): the same UIDs name other messages now
    await client.mailboxClose();
    // the read connection moves on first (deleting its selected folder would cost it the connection)
    assert.equal((await get('/v1/account/reader/messages?path=Seeded&pageSize=1')).status, 200);
    await client.mailboxDelete('Again');
    await new Promise((r) => setTimeout(r, 1100)); // Dovecot's UIDVALIDITY is a time in seconds
    await client.mailboxCreate('Again');
    // as many as before: the listed UIDs are all there again, naming other messages
    for (let i = 0; i < 9; i++) await client.append('Again', `Subject: reborn ${i}\r\n\r\nbody\r\n`);
    const reborn = await page();
    assert.deepEqual(reborn.messages.map((m: { subject: string }) => m.subject), ['reborn 8', 'reborn 7', 'reborn 6', 'reborn 5', 'reborn 4']);
    // now the folder the read connection has selected goes: Dovecot hangs up on it at its next
    // sync, and the read is tried again on a new connection, which says what happened (404, not 503)
    await client.mailboxDelete('Again');
    const gone = await get('/v1/account/reader/messages?path=Again&pageSize=5');
    assert.deepEqual([gone.status, gone.body.code], [404, 'MailboxNotFound'], JSON.stringify(gone.body));
  } finally {
    await client.logout();
  }
});

test('reads use their own connection: the IDLE connection stayed up throughout', async () => {
  const view = (await get('/v1/account/reader')).body;
  assert.equal(view.state, 'connected');
  assert.equal(view.counters.connects, 1);
  assert.equal(view.counters.disconnects, 0);
});
