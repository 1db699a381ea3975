// notifyText / notifyHeaders end to end: a message APPENDed by another IMAP client reaches the
// webhook, the pull API and the WebSocket stream with its decoded text and the chosen headers;
// none of it is left in the data dir; a message expunged before delivery arrives marked gone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { api, eventually, exampleAccount } from './helpers/api.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { imapClient, type ImapLogin } from './helpers/seed.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';
import { openStream, type Payload, type StreamClient } from './helpers/stream.js';

const TEXT_SIZE = 300;
const ACCOUNT = 'notify';
let dovecot: Dovecot;
let server: RunningServer;
let receiver: Receiver;
let login: ImapLogin;
let live: StreamClient;
const call = (method: string, path: string, body?: unknown) => api(server.url, method, path, body);

/**
 * A multipart/alternative message whose body (and X-Test-Header) holds `marker`: only there, as
 * subject and Message-ID go into the logged event by design (base64 html, so decoding shows).
 */
function message(marker: string, subject: string): Buffer {
  const plain = `Hello ${marker} ${'plain words '.repeat(60)}`;
  const html = Buffer.from(`<p>Hello <b>${marker}</b></p>`).toString('base64');
  return Buffer.from([
    'From: Sender <sender@example.com>', 'To: rcpt@example.com', `Subject: ${subject}`, `Message-ID: <${randomBytes(6).toString('hex')}@example.com>`,
    `X-Test-Header: first ${marker}`, 'X-Test-Header: second', 'X-Other: not asked for', 'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"', '',
    '--b1', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 7bit', '', plain,
    '--b1', 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', html,
    '--b1--', '',
  ].join('\r\n'));
}

async function append(raw: Buffer): Promise<number> {
  const client = await imapClient(login);
  try {
    const res = await client.append('INBOX', raw, []);
    if (!res || res.uid === undefined) throw new Error('APPEND gave no UID');
    return res.uid;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

const isNew = (uid: number) => (p: Payload | undefined) => p?.account === ACCOUNT && p.event === 'messageNew' && p.data.uid === uid;
async function fromLog(uid: number): Promise<Payload | undefined> {
  const res = await call('GET', `/v1/events?account=${ACCOUNT}&limit=1000`);
  return (res.body.events as Payload[]).find(isNew(uid));
}

/** Every file under `dir` that holds `needle` (read as bytes). */
async function filesHolding(dir: string, needle: Buffer): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    if ((await readFile(file)).includes(needle)) hits.push(file);
  }
  return hits;
}

before(async () => {
  dovecot = await startDovecot();
  receiver = await startReceiver();
  server = await startServer();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('notify'), pass: dovecot.password };
  await call('PUT', '/v1/settings', { webhooks: receiver.url });
  await call('POST', '/v1/account', exampleAccount(ACCOUNT, login));
  await eventually(async () => (await call('GET', `/v1/account/${ACCOUNT}`)).body.state === 'connected', 10_000, 'connected');
});
after(async () => {
  live?.close();
  await server?.stop();
  await receiver?.close();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('with both options off (the default) messageNew carries no content', async () => {
  const uid = await append(message(`OFF-${randomBytes(6).toString('hex')}`, 'plain event'));
  await receiver.waitFor((r) => r.some((q) => isNew(uid)(q.json)), 10_000, 'messageNew');
  const data = receiver.requests.find((q) => isNew(uid)(q.json))!.json.data;
  assert.ok(!('headers' in data) && !('contentUnavailable' in data));
  assert.deepEqual(Object.keys(data.text).sort(), ['encodedSize', 'id'], 'only the text id of the list entry');
});

test('text and headers reach the webhook, the pull API and the stream, and never the data dir', async () => {
  const res = await call('POST', '/v1/settings', { notifyText: true, notifyTextSize: TEXT_SIZE, notifyHeaders: ['X-Test-Header', 'subject'] });
  assert.deepEqual(res.body.updated, ['notifyText', 'notifyTextSize', 'notifyHeaders']);
  live = await openStream(server.url, `account=${ACCOUNT}`);
  const marker = `MARKER-${randomBytes(8).toString('hex')}`;
  const uid = await append(message(marker, 'Notify me'));

  await receiver.waitFor((r) => r.some((q) => isNew(uid)(q.json)), 10_000, 'messageNew with content');
  const hooked = receiver.requests.find((q) => isNew(uid)(q.json))!.json as Payload;
  const { text, headers } = hooked.data;
  assert.ok(text.plain.startsWith(`Hello ${marker} plain words`), text.plain.slice(0, 80));
  assert.ok(Buffer.byteLength(text.plain) <= TEXT_SIZE, `plain cut to ${TEXT_SIZE} bytes, got ${Buffer.byteLength(text.plain)}`);
  assert.ok(Buffer.byteLength(text.plain) > TEXT_SIZE - 20, 'and not much shorter');
  assert.equal(text.html, `<p>Hello <b>${marker}</b></p>`, 'base64 decoded');
  assert.equal(text.hasMore, true);
  assert.ok(text.id, 'the entry\'s text id stays beside it');
  assert.deepEqual(headers, { 'x-test-header': [`first ${marker}`, 'second'], subject: ['Notify me'] });

  const pulled = await fromLog(uid);
  assert.deepEqual(pulled?.data, hooked.data, 'the pull API shows the same content');
  const streamed = await live.waitFor(isNew(uid), 10_000, 'live stream messageNew');
  assert.deepEqual(streamed.data, hooked.data, 'the live stream too');
  const replay = await openStream(server.url, `account=${ACCOUNT}&since=0`);
  try {
    const replayed = await replay.waitFor(isNew(uid), 10_000, 'replayed messageNew');
    assert.deepEqual(replayed.data, hooked.data, 'and a replay from the log');
  } finally {
    replay.close();
  }

  live.close();
  await server.stop();
  const dataDir = server.dataDir;
  for (const needle of [marker, 'plain words plain words']) {
    assert.deepEqual(await filesHolding(dataDir, Buffer.from(needle)), [], `no file under the data dir holds "${needle}"`);
  }
  assert.ok((await filesHolding(dataDir, Buffer.from(receiver.url))).length > 0, 'the scan does see what is stored (the webhook URL)');
  server = await startServer({ dataDir });
});

test('a message expunged before its delivery arrives marked gone', async () => {
  await eventually(async () => (await call('GET', `/v1/account/${ACCOUNT}`)).body.state === 'connected', 10_000, 'connected again');
  let refusing = true;
  // only this message's event: refusing others would hold it behind their growing backoff
  receiver.respond = (req) => (refusing && req.json?.data?.subject === 'soon gone' ? 500 : 200);
  const marker = `GONE-${randomBytes(8).toString('hex')}`;
  const uid = await append(message(marker, 'soon gone'));
  await receiver.waitFor((r) => r.some((q) => isNew(uid)(q.json) && q.status === 500), 10_000, 'a refused delivery');
  const client = await imapClient(login);
  try {
    await client.mailboxOpen('INBOX');
    assert.ok(await client.messageDelete(String(uid), { uid: true }));
  } finally {
    await client.logout().catch(() => client.close());
  }
  await eventually(async () => {
    const res = await call('GET', `/v1/events?account=${ACCOUNT}&limit=1000`);
    return (res.body.events as Payload[]).some((e) => e.event === 'messageDeleted' && e.data.uid === uid);
  }, 10_000, 'the expunge seen by sync');
  const pulled = await fromLog(uid);
  assert.equal(pulled?.data.contentUnavailable, 'message is gone', 'the pull API says so too');
  refusing = false;
  await receiver.waitFor((r) => r.some((q) => isNew(uid)(q.json) && q.status === 200), 30_000, 'the retried delivery');
  const delivered = receiver.requests.find((q) => isNew(uid)(q.json) && q.status === 200)!.json.data;
  assert.equal(delivered.contentUnavailable, 'message is gone');
  assert.ok(!('headers' in delivered) && !('plain' in delivered.text));
  assert.equal(delivered.subject, 'soon gone', 'the logged event itself is delivered as logged');
});

test('while the IMAP server is down a delivery waits (in order), then arrives with its content', async () => {
  let refusing = true;
  receiver.respond = (req) => (refusing && req.json?.data?.subject === 'delivered later' ? 500 : 200);
  const marker = `LATER-${randomBytes(8).toString('hex')}`;
  const uid = await append(message(marker, 'delivered later'));
  await receiver.waitFor((r) => r.some((q) => isNew(uid)(q.json) && q.status === 500), 10_000, 'a refused delivery');
  await dovecot.stop();
  try {
    refusing = false;
    const pulled = await fromLog(uid);
    assert.match(String(pulled?.data.contentUnavailable), /could not be fetched now/, 'a reader is told to come back');
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok(!receiver.requests.some((q) => isNew(uid)(q.json) && q.status === 200), 'not delivered without its content');
  } finally {
    await dovecot.start();
  }
  await receiver.waitFor((r) => r.some((q) => isNew(uid)(q.json) && q.status === 200), 30_000, 'the delivery once IMAP is back');
  const delivered = receiver.requests.find((q) => isNew(uid)(q.json) && q.status === 200)!.json.data;
  assert.ok(delivered.text.plain.includes(marker));
  assert.ok(!('contentUnavailable' in delivered));
});
