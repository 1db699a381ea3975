// Sending end to end against Dovecot and a real SMTP server: a new message with a file, a
// reply, a reply-all and an inline forward of seeded messages (headers, subject, recipients,
// files as the SMTP server got them), the original's flags, exactly one copy in Sent (none with
// copy: false), a raw submission without its Bcc line, and a structured upload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow, SearchObject } from 'imapflow';
import { flagsIn, uidsIn } from './helpers/peek.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, type ImapLogin, type SeedSpec } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually } from './helpers/api.js';
import { startSmtp, type Delivered, type SmtpSink } from './helpers/smtp.js';
import { openStream, type StreamClient } from './helpers/stream.js';

const A = 'sender';
const ME = 'taro@example.jp';
let dovecot: Dovecot;
let smtp: SmtpSink;
let server: RunningServer;
let imap: ImapFlow;
let stream: StreamClient;
let seeded: { uid: number; spec: SeedSpec; raw: Buffer }[];
const call = (method: string, path: string, body?: unknown) => api(server.url, method, `/v1/account/${A}${path}`, body);

const inFolder = (path: string, query: SearchObject) => uidsIn(imap, path, query);
const flagsOf = async (path: string, uid: number) => (await flagsIn(imap, path, uid)) ?? [];

async function submit(body: unknown, expectSent = true): Promise<{ queueId: string; messageId: string; got: Delivered }> {
  const res = await call('POST', '/submit', body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.response, 'Queued for delivery');
  if (expectSent) await stream.waitFor((e) => e.event === 'messageSent' && e.data.queueId === res.body.queueId, 15_000, 'messageSent');
  const got = smtp.delivered.find((d) => d.parsed.messageId === res.body.messageId);
  return { ...res.body, got: got! };
}

const sentCopies = (messageId: string) => inFolder('Sent', { header: { 'message-id': messageId } });

before(async () => {
  dovecot = await startDovecot();
  smtp = await startSmtp();
  const login: ImapLogin = { host: dovecot.host, port: dovecot.port, user: dovecot.user('submit'), pass: dovecot.password };
  seeded = await appendMessages(login, 'INBOX', 6);
  imap = await imapClient(login);
  server = await startServer();
  await api(server.url, 'POST', '/v1/account', {
    account: A, name: 'Taro',
    imap: { host: login.host, port: login.port, secure: false, auth: { user: login.user, pass: login.pass } },
    smtp: { host: smtp.host, port: smtp.port, secure: false, auth: { user: ME, pass: 'smtp-secret' } },
  });
  await eventually(async () => (await call('GET', '')).body.state === 'connected', 15_000, 'connected');
  stream = await openStream(server.url, `account=${A}`);
});
after(async () => {
  stream?.close();
  await imap?.logout().catch(() => undefined);
  await server?.stop();
  await smtp?.close();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('a new message with a file: what the SMTP server receives, the messageSent event, one copy in Sent', async () => {
  const file = Buffer.from('%PDF-1.4 not really a pdf ÕÄÖÜ');
  const sent = await submit({
    to: [{ name: 'Bob Ö', address: 'bob@example.org' }], cc: [{ address: 'carol@example.net' }], bcc: [{ address: 'dave@example.com' }],
    subject: 'Kohtumine homme 🎉', text: 'Tere, Bob!', html: '<p>Tere, <b>Bob</b>!</p>',
    attachments: [{ filename: 'arve-õ.pdf', content: file.toString('base64'), contentType: 'application/pdf' }],
    headers: { 'X-Campaign': 'spring' },
  });
  const { got } = sent;
  assert.equal(got.from, ME, 'the envelope sender is the account (its SMTP login)');
  assert.deepEqual(got.to.sort(), ['bob@example.org', 'carol@example.net', 'dave@example.com']);
  assert.equal(got.user, ME);
  assert.equal(got.parsed.subject, 'Kohtumine homme 🎉');
  assert.deepEqual(got.parsed.from?.value, [{ name: 'Taro', address: ME }]);
  assert.equal(got.parsed.text?.trim(), 'Tere, Bob!');
  assert.equal(got.parsed.headers.get('x-campaign'), 'spring');
  assert.equal(got.parsed.bcc, undefined, 'no Bcc header goes out');
  assert.equal(got.parsed.attachments.length, 1);
  assert.ok(got.parsed.attachments[0]!.content.equals(file));
  assert.equal(got.parsed.attachments[0]!.filename, 'arve-õ.pdf');
  const event = stream.events.find((e) => e.event === 'messageSent' && e.data.queueId === sent.queueId)!;
  assert.match(event.data.response, /^250 /);
  assert.equal(event.data.messageId, sent.messageId);
  await eventually(async () => (await sentCopies(sent.messageId)).length === 1, 10_000, 'the Sent copy');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await sentCopies(sent.messageId)).length, 1, 'exactly one copy');
  assert.equal((await api(server.url, 'GET', `/v1/outbox/${sent.queueId}`)).status, 404, 'nothing stays after delivery');
});

test('a reply: threading headers, one Re:, the original\'s sender as recipient, \\Answered on the original', async () => {
  const original = seeded[4]!; // "Re: Fwd: 🎉 Party planning 4 🎂"
  const list = (await call('GET', '/messages?path=INBOX&pageSize=50')).body.messages as { id: string; uid: number }[];
  const id = list.find((m) => m.uid === original.uid)!.id;
  const sent = await submit({ reference: { message: id, action: 'reply' }, text: 'Sounds good.' });
  const { got } = sent;
  assert.equal(got.parsed.subject, 'Re: Fwd: 🎉 Party planning 4 🎂');
  assert.equal(got.parsed.inReplyTo, original.spec.messageId);
  assert.deepEqual([got.parsed.references].flat(), [original.spec.messageId]);
  assert.deepEqual(got.to, [original.spec.from.address]);
  await eventually(async () => (await flagsOf('INBOX', original.uid)).includes('\\Answered'), 10_000, '\\Answered');
  await eventually(async () => (await sentCopies(sent.messageId)).length === 1, 10_000, 'the Sent copy');

  const again = seeded[3]!;
  const id2 = list.find((m) => m.uid === again.uid)!.id;
  const all = await submit({ reference: { message: id2, action: 'replyAll' }, text: 'To all of you.' });
  const expected = new Set([...again.spec.to.map((t) => t.address), again.spec.from.address].filter((a) => a !== ME));
  assert.deepEqual(new Set(all.got.to), expected, 'everyone but the account itself');
  assert.ok(!all.got.to.includes(ME));
  assert.equal(all.got.parsed.subject, `Re: ${again.spec.subject}`);
});

test('an inline forward: one Fwd:, the original\'s files and quoted text, $Forwarded on the original', async () => {
  const original = seeded.find((s) => s.spec.attachments.length === 2) ?? seeded.find((s) => s.spec.attachments.length)!;
  const list = (await call('GET', '/messages?path=INBOX&pageSize=50')).body.messages as { id: string; uid: number }[];
  const id = list.find((m) => m.uid === original.uid)!.id;
  const sent = await submit({ reference: { message: id, action: 'forward', inline: true }, to: [{ address: 'zed@example.com' }], text: 'See below.' });
  const { got } = sent;
  assert.equal(got.parsed.subject, `Fwd: ${original.spec.subject}`);
  assert.deepEqual(got.to, ['zed@example.com']);
  assert.deepEqual(got.parsed.attachments.map((a) => a.filename), original.spec.attachments.map((a) => a.filename));
  got.parsed.attachments.forEach((a, i) => assert.ok(a.content.equals(original.spec.attachments[i]!.content), `file ${a.filename}`));
  assert.ok(got.parsed.text?.startsWith('See below.'));
  assert.ok(got.parsed.text?.includes('---------- Forwarded message ---------'));
  assert.ok(got.parsed.text?.includes(original.spec.text.split('\n')[0]!), 'the original text is quoted');
  // the quoted Date is the original's Date header, not when the server received it (re-trial)
  assert.ok(got.parsed.text?.includes(`Date: ${original.spec.date.toUTCString()}`), got.parsed.text);
  await eventually(async () => (await flagsOf('INBOX', original.uid)).includes('$Forwarded'), 10_000, '$Forwarded');
});

test('the account\'s own address: email when set, else the login that is an address', async () => {
  assert.equal((await call('PUT', '', { email: 'desk@crm.example' })).status, 200);
  assert.equal((await call('GET', '')).body.email, 'desk@crm.example');
  const sent = await submit({ to: [{ address: 'bob@example.org' }], subject: 'from the desk', text: 'x' });
  assert.deepEqual(sent.got.parsed.from?.value, [{ name: 'Taro', address: 'desk@crm.example' }]);
  assert.equal(sent.got.from, 'desk@crm.example');
  assert.equal((await call('PUT', '', { email: 'not an address' })).status, 400);
  assert.equal((await call('PUT', '', { email: null })).status, 200);
  assert.equal((await call('GET', '')).body.email, undefined);
});

test('copy: false keeps sent mail out of the Sent folder', async () => {
  assert.equal((await call('PUT', '', { copy: false })).status, 200);
  assert.equal((await call('GET', '')).body.copy, false);
  const sent = await submit({ to: [{ address: 'bob@example.org' }], subject: 'no copy', text: 'x' });
  await new Promise((r) => setTimeout(r, 800));
  assert.deepEqual(await sentCopies(sent.messageId), []);
  assert.equal((await call('PUT', '', { copy: null })).status, 200);
});

test('raw: the envelope comes from the header, the Bcc line never goes out, a Message-ID is added', async () => {
  const raw = 'From: Taro <taro@example.jp>\r\nTo: bob@example.org\r\nBcc: secret@example.com,\r\n other@example.com\r\nSubject: raw one\r\n\r\nBody.\r\n';
  const sent = await submit({ raw: Buffer.from(raw).toString('base64') });
  assert.deepEqual(sent.got.to.sort(), ['bob@example.org', 'other@example.com', 'secret@example.com']);
  assert.ok(!/secret@example\.com/.test(sent.got.raw.toString()), 'no trace of the Bcc recipients in what was sent');
  assert.match(sent.messageId, /^<.+@.+>$/);
  assert.equal(sent.got.parsed.messageId, sent.messageId);
});

test('a structured upload: the fields come back from the message route, files included', async () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const res = await call('POST', '/message', {
    path: 'Drafts', flags: ['\\Draft'], from: { name: 'Taro', address: ME }, to: [{ name: 'Zoë', address: 'zoe@example.se' }],
    bcc: [{ address: 'hidden@example.com' }], subject: 'Mustand: õunad', text: 'Lõpetamata mõte', html: '<p>Lõpetamata <i>mõte</i></p>',
    attachments: [{ filename: 'pilt.png', content: png.toString('base64'), contentType: 'image/png' }],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const msg = (await call('GET', `/message/${res.body.id}`)).body;
  assert.equal(msg.subject, 'Mustand: õunad');
  assert.deepEqual(msg.from, { name: 'Taro', address: ME });
  assert.deepEqual(msg.to, [{ name: 'Zoë', address: 'zoe@example.se' }]);
  assert.deepEqual(msg.bcc, [{ name: '', address: 'hidden@example.com' }], 'a stored copy keeps its Bcc');
  assert.equal(msg.text.plain.trim(), 'Lõpetamata mõte');
  assert.equal(msg.text.html, '<p>Lõpetamata <i>mõte</i></p>');
  assert.deepEqual(msg.flags, ['\\Draft']);
  const file = await fetch(`${server.url}/v1/account/${A}/attachment/${msg.attachments[0].id}`);
  assert.ok(Buffer.from(await file.arrayBuffer()).equals(png));
});

test('on a server that files sent mail itself (X-GM-EXT-1) no copy is stored by default; copy: true stores one', async () => {
  const gmailish = await startDovecot({ capability: '+X-GM-EXT-1' });
  try {
    const login: ImapLogin = { host: gmailish.host, port: gmailish.port, user: gmailish.user('gm'), pass: gmailish.password };
    const peer = await imapClient(login);
    await api(server.url, 'POST', '/v1/account', {
      account: 'gm', imap: { host: login.host, port: login.port, secure: false, auth: { user: login.user, pass: login.pass } },
      smtp: { host: smtp.host, port: smtp.port, secure: false, auth: { user: 'gm@example.com', pass: 'x' } },
    });
    await eventually(async () => (await api(server.url, 'GET', '/v1/account/gm')).body.state === 'connected', 15_000, 'gm connected');
    const send = async (subject: string) => {
      const res = await api(server.url, 'POST', '/v1/account/gm/submit', { to: [{ address: 'bob@example.org' }], subject, text: 'x' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await smtp.waitFor((d) => d.some((m) => m.parsed.messageId === res.body.messageId));
      return res.body.messageId as string;
    };
    const first = await send('gmail default');
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(await uidsIn(peer, 'Sent', { header: { 'message-id': first } }), [], 'no copy by default');
    assert.equal((await api(server.url, 'PUT', '/v1/account/gm', { copy: true })).status, 200);
    const second = await send('gmail with copy');
    await eventually(async () => (await uidsIn(peer, 'Sent', { header: { 'message-id': second } })).length === 1, 10_000, 'the copy asked for');
    await peer.logout();
  } finally {
    await api(server.url, 'DELETE', '/v1/account/gm');
    await gmailish.close();
  }
});

test('an upload with a reference is a draft reply: threaded, addressed and prefixed like a reply, nothing sent', async () => {
  const original = seeded[1]!;
  const list = (await call('GET', '/messages?path=INBOX&pageSize=50')).body.messages as { id: string; uid: number }[];
  const id = list.find((m) => m.uid === original.uid)!.id;
  const before = smtp.attempts.length;
  const res = await call('POST', '/message', { path: 'Drafts', flags: ['\\Draft'], reference: { message: id, action: 'reply' }, text: 'Draft answer' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const draft = (await call('GET', `/message/${res.body.id}`)).body;
  assert.equal(draft.subject, `Re: ${original.spec.subject}`);
  assert.equal(draft.inReplyTo, original.spec.messageId);
  assert.deepEqual(draft.to.map((a: { address: string }) => a.address), [original.spec.from.address]);
  assert.equal(smtp.attempts.length, before, 'a draft is not sent');
});
