// The durable outbox against a real SMTP server that misbehaves on purpose: 421 retried until
// sent, 550 failed at once, a connection cut after the final dot retried with the same
// Message-ID and marked, Idempotency-Key, scheduling and cancelling, kill -9 between the answer
// and the send, no plaintext in the data dir, and bad input that sends and stores nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually } from './helpers/api.js';
import { startSmtp, type DataVerdict, type SmtpSink } from './helpers/smtp.js';
import { openStream, type StreamClient, type Payload } from './helpers/stream.js';
import { Compile } from 'typebox/compile';
import { EVENT_DATA } from '../src/schemas/event-data.js';

let dovecot: Dovecot;
let smtp: SmtpSink;
let server: RunningServer;
let stream: StreamClient;
const ARGS = ['--send-retry-delay', '200', '--send-retry-window', '60000', '--max-message-size', '65536'];

function account(id: string, withSmtp = true) {
  return {
    account: id, name: id,
    imap: { host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user('outbox'), pass: dovecot.password } },
    ...(withSmtp ? { smtp: { host: smtp.host, port: smtp.port, secure: false, auth: { user: `${id}@example.com`, pass: 'x' } } } : {}),
    copy: false,
  };
}

async function addAccount(base: string, id: string, withSmtp = true): Promise<void> {
  assert.equal((await api(base, 'POST', '/v1/account', account(id, withSmtp))).status, 200);
  await eventually(async () => (await api(base, 'GET', `/v1/account/${id}`)).body.state === 'connected', 15_000, `${id} connected`);
}

const submitTo = (base: string, id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/account/${id}/submit`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
    .then(async (r) => ({ status: r.status, body: await r.json() as any }));

const mail = (subject: string) => ({ to: [{ address: 'rcpt@example.org' }], subject, text: `body of ${subject}` });
const ofQueue = (queueId: string) => (e: Payload) => e.data?.queueId === queueId;
/** Verdicts per subject: the sink looks each message's subject up here. */
const plans = new Map<string, DataVerdict[]>();

before(async () => {
  dovecot = await startDovecot();
  smtp = await startSmtp((_n, raw) => {
    const subject = /^subject: (.*)$/im.exec(raw.toString('latin1'))?.[1]?.trim() ?? '';
    return plans.get(subject)?.shift() ?? 'accept';
  });
  server = await startServer({ args: ARGS });
  await addAccount(server.url, 'out');
  stream = await openStream(server.url, 'account=out');
});
after(async () => {
  stream?.close();
  await server?.stop();
  await smtp?.close();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('421 twice: two messageDeliveryError with the server\'s words, then messageSent; delivered once', async () => {
  plans.set('busy', [{ code: 421, message: 'Try again later, busy' }, { code: 421, message: 'Still busy' }]);
  const res = await submitTo(server.url, 'out', mail('busy'));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const first = await stream.waitFor((e) => ofQueue(res.body.queueId)(e) && e.event === 'messageDeliveryError');
  assert.match(first.data.error, /421 Try again later, busy/);
  assert.equal(first.data.responseCode, 421);
  assert.ok(first.data.nextAttempt);
  const entry = (await api(server.url, 'GET', `/v1/outbox/${res.body.queueId}`)).body;
  if (entry.queueId) assert.equal(entry.account, 'out'); // may already be sent on a fast machine
  const sent = await stream.waitFor((e) => ofQueue(res.body.queueId)(e) && e.event === 'messageSent', 15_000);
  const mine = stream.events.filter(ofQueue(res.body.queueId)).map((e) => e.event);
  assert.deepEqual(mine, ['messageDeliveryError', 'messageDeliveryError', 'messageSent']);
  assert.match(sent.data.response, /^250/);
  assert.equal(smtp.delivered.filter((d) => d.parsed.subject === 'busy').length, 1);
});

test('a message being retried does not hold up the account\'s other messages', async () => {
  plans.set('greylisted', Array.from({ length: 6 }, () => ({ code: 451, message: 'Greylisted, try later' })));
  const slow = await submitTo(server.url, 'out', mail('greylisted'));
  await stream.waitFor((e) => ofQueue(slow.body.queueId)(e) && e.event === 'messageDeliveryError');
  const next = await submitTo(server.url, 'out', mail('not greylisted'));
  await stream.waitFor((e) => ofQueue(next.body.queueId)(e) && e.event === 'messageSent', 1500, 'sent while the other waits for its retry');
  await stream.waitFor((e) => ofQueue(slow.body.queueId)(e) && e.event === 'messageSent', 20_000, 'the greylisted one in the end');
});

test('a recipient refused for now (450) while the others took it: they get it once, it is retried for that one alone', async () => {
  let refusals = 1;
  smtp.rcpt = (address) => (address === 'later@example.org' && refusals-- > 0 ? { code: 450, message: 'Mailbox busy, try later' } : 'accept');
  const res = await submitTo(server.url, 'out', { to: [{ address: 'now@example.org' }, { address: 'later@example.org' }], subject: 'partly', text: 'x' });
  const sent = await stream.waitFor((e) => ofQueue(res.body.queueId)(e) && e.event === 'messageSent');
  assert.deepEqual(sent.data.refused.map((r: { recipient: string }) => r.recipient), ['later@example.org']);
  await smtp.waitFor((d) => d.filter((m) => m.parsed.messageId === res.body.messageId).length === 2, 15_000, 'the retry for the refused one');
  const copies = smtp.delivered.filter((m) => m.parsed.messageId === res.body.messageId);
  assert.deepEqual(copies.map((m) => m.to), [['now@example.org'], ['later@example.org']], 'each recipient once');
  smtp.rcpt = () => 'accept';
});

test('550: messageFailed at once, nothing delivered, nothing left in the outbox', async () => {
  plans.set('refused', [{ code: 550, message: 'No such user here' }]);
  const res = await submitTo(server.url, 'out', mail('refused'));
  const failed = await stream.waitFor((e) => ofQueue(res.body.queueId)(e) && e.event === 'messageFailed');
  assert.match(failed.data.error, /550 No such user here/);
  assert.equal(failed.data.attempts, 1);
  assert.equal(smtp.attempts.filter((a) => a.messageId === res.body.messageId).length, 1, 'tried once');
  assert.equal((await api(server.url, 'GET', `/v1/outbox/${res.body.queueId}`)).status, 404);
});

test('a connection cut after the final dot: retried with the same Message-ID, marked as a possible duplicate', async () => {
  plans.set('cut', ['drop']);
  const res = await submitTo(server.url, 'out', mail('cut'));
  const err = await stream.waitFor((e) => ofQueue(res.body.queueId)(e) && e.event === 'messageDeliveryError');
  assert.equal(err.data.unconfirmed, true);
  const sent = await stream.waitFor((e) => ofQueue(res.body.queueId)(e) && e.event === 'messageSent', 15_000);
  assert.equal(sent.data.possibleDuplicate, true);
  const tries = smtp.attempts.filter((a) => a.messageId === res.body.messageId);
  assert.equal(tries.length, 2, 'the same message (same Message-ID) went twice');
});

test('the same Idempotency-Key twice: the first answer again, one message at the SMTP server', async () => {
  const key = `key-${Date.now()}`;
  const a = await submitTo(server.url, 'out', mail('once only'), { 'idempotency-key': key });
  const b = await submitTo(server.url, 'out', mail('once only'), { 'idempotency-key': key });
  assert.equal(a.status, 200);
  assert.deepEqual(b.body, a.body);
  await stream.waitFor((e) => ofQueue(a.body.queueId)(e) && e.event === 'messageSent');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(smtp.delivered.filter((d) => d.parsed.subject === 'once only').length, 1);
  const bad = await submitTo(server.url, 'out', mail('bad key'), { 'idempotency-key': 'x'.repeat(300) });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.details[0].field, 'Idempotency-Key');
});

test('scheduled: listed until due, cancelled with DELETE, never sent', async () => {
  const sendAt = new Date(Date.now() + 3000).toISOString();
  const res = await submitTo(server.url, 'out', { ...mail('later maybe'), sendAt });
  assert.equal(res.body.sendAt, sendAt);
  const list = (await api(server.url, 'GET', '/v1/outbox?account=out')).body;
  const entry = list.messages.find((m: { queueId: string }) => m.queueId === res.body.queueId);
  assert.equal(entry.state, 'scheduled');
  assert.equal(entry.subject, 'later maybe');
  assert.deepEqual(entry.recipients, ['rcpt@example.org']);
  // regression (new-user trial): a message waiting for its time never holds up the account's next one
  const now = await submitTo(server.url, 'out', mail('meanwhile'));
  await stream.waitFor((e) => ofQueue(now.body.queueId)(e) && e.event === 'messageSent', 1500, 'the unscheduled message at once');
  const del = await api(server.url, 'DELETE', `/v1/outbox/${res.body.queueId}`);
  assert.deepEqual(del.body, { deleted: true, queueId: res.body.queueId });
  assert.equal((await api(server.url, 'DELETE', `/v1/outbox/${res.body.queueId}`)).status, 404);
  await new Promise((r) => setTimeout(r, 3500));
  assert.equal(smtp.attempts.filter((a) => a.messageId === res.body.messageId).length, 0);
});

test('bad input: 4xx with the field, and nothing sent or stored', async () => {
  const before = smtp.attempts.length;
  const big = Buffer.alloc(70_000, 1).toString('base64');
  const cases: [Record<string, unknown>, number, string][] = [
    [{ ...mail('x'), subject: 'Hi\r\nBcc: victim@example.com' }, 400, 'subject'],
    [{ ...mail('x'), to: [{ name: 'Eve\nX-Evil: 1', address: 'eve@example.com' }] }, 400, 'to.0.name'],
    [{ ...mail('x'), to: [{ address: 'not an address' }] }, 400, 'to.0.address'],
    [{ ...mail('x'), headers: { 'X-Ok': 'a\r\nb' } }, 400, 'headers.X-Ok'],
    [{ subject: 'nobody', text: 'x' }, 400, 'to'],
    [{ ...mail('x'), reference: { message: '!!' } }, 400, 'reference.message'],
    [{ ...mail('x'), raw: Buffer.from('From: a@b.c\r\n\r\nx').toString('base64') }, 400, 'to'],
    [{ raw: Buffer.from('Subject: no addresses\r\n\r\nx').toString('base64') }, 400, 'raw'],
    [{ ...mail('x'), sendAt: 'tomorrow' }, 400, 'sendAt'],
    [{ ...mail('x'), attachments: [{ filename: 'big.bin', content: big }] }, 413, 'PayloadTooLarge'],
  ];
  for (const [body, status, where] of cases) {
    const res = await submitTo(server.url, 'out', body);
    const what = `${JSON.stringify(body).slice(0, 120)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
    assert.equal(res.status, status, what);
    if (status === 400) assert.ok(res.body.details.some((d: { field: string }) => d.field === where), what);
    else assert.equal(res.body.code, where, what);
  }
  const gone = await submitTo(server.url, 'out', { ...mail('x'), reference: { message: 'AAAAAQAAAeE' } });
  assert.equal(gone.status, 404, JSON.stringify(gone.body));
  await addAccount(server.url, 'nosmtp', false);
  const noSmtp = await submitTo(server.url, 'nosmtp', mail('x'));
  assert.equal(noSmtp.status, 409, JSON.stringify(noSmtp.body));
  assert.equal((await submitTo(server.url, 'nobody-here', mail('x'))).status, 404);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(smtp.attempts.length, before, 'nothing reached the SMTP server');
  assert.equal((await api(server.url, 'GET', '/v1/outbox')).body.total, 0, 'nothing was stored');
});

/** Every file under `dir` that contains `needle` (as UTF-8 bytes). */
async function filesWith(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const name of await readdir(dir, { recursive: true })) {
    const file = join(dir, name);
    const data = await readFile(file).catch(() => null);
    if (data && data.includes(Buffer.from(needle))) hits.push(name);
  }
  return hits;
}

test('kill -9 after the answer and before the send: sent once after restart; no plaintext on disk', async () => {
  const first = await startServer({ args: ARGS });
  await addAccount(first.url, 'crash');
  const secret = `Confidential-${Date.now()}`;
  const sendAt = new Date(Date.now() + 2500);
  const res = await submitTo(first.url, 'crash', {
    to: [{ address: 'privy-recipient@example.org' }], subject: `Subject ${secret}`, text: `Body ${secret}`, sendAt: sendAt.toISOString(),
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await first.stop('SIGKILL');
  for (const needle of [secret, 'privy-recipient@example.org']) assert.deepEqual(await filesWith(first.dataDir, needle), [], `no plaintext "${needle}"`);
  const again = await startServer({ dataDir: first.dataDir, args: ARGS });
  try {
    await smtp.waitFor((d) => d.some((m) => m.parsed.messageId === res.body.messageId), 20_000, 'the queued message');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(smtp.attempts.filter((a) => a.messageId === res.body.messageId).length, 1, 'sent once');
    const dated = smtp.delivered.find((m) => m.parsed.messageId === res.body.messageId)!.parsed.date!;
    assert.ok(Math.abs(dated.getTime() - sendAt.getTime()) < 1500, `dated when it was due to go out, not when queued: ${dated.toISOString()}`);
    assert.equal((await api(again.url, 'GET', '/v1/outbox')).body.total, 0);
  } finally {
    await again.stop();
  }
  for (const needle of [secret, 'privy-recipient@example.org']) assert.deepEqual(await filesWith(first.dataDir, needle), [], `no trace of "${needle}"`);
  await removeDir(first.dataDir);
});

test('every sending event on the stream has the data its schema (and the webhooks section) declares', () => {
  const sending = stream.events.filter((e) => e.event === 'messageSent' || e.event === 'messageDeliveryError' || e.event === 'messageFailed');
  assert.deepEqual([...new Set(sending.map((e) => e.event))].sort(), ['messageDeliveryError', 'messageFailed', 'messageSent']);
  for (const e of sending) {
    const check = Compile(EVENT_DATA[e.event as 'messageSent']);
    assert.ok(check.Check(e.data), `${e.event}: ${JSON.stringify([...check.Errors(e.data)].slice(0, 3))}`);
  }
});
