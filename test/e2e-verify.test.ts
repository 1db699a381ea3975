// POST /v1/verifyAccount end to end: logins against the test Dovecot and real SMTP servers,
// refused logins with the server's words, unreachable and silent hosts answered in time,
// and nothing stored by any of it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startSmtp, type SmtpSink } from './helpers/smtp.js';
import { freePort } from './helpers/free-port.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api } from './helpers/api.js';

const PASS = 'Verify-Sesame-41xq';
const REQUEST_TIMEOUT = 6_000;
let dovecot: Dovecot;
let smtp: SmtpSink;
let strict: SMTPServer;
let strictPort: number;
let silent: net.Server;
let silentPort: number;
let server: RunningServer;

const imapOf = (over: Record<string, unknown> = {}) => ({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user('verify'), pass: PASS }, ...over });
const smtpOf = (port: number, pass = PASS) => ({ host: '127.0.0.1', port, secure: false, auth: { user: 'sender@example.com', pass } });
const verify = (body: unknown) => api(server.url, 'POST', '/v1/verifyAccount', body);

before(async () => {
  dovecot = await startDovecot({ password: PASS });
  smtp = await startSmtp();
  // a real SMTP server that refuses every login, as a server does for a wrong password
  strict = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS'], allowInsecureAuth: true, disableReverseLookup: true, logger: false,
    onAuth(_auth, _session, cb) { cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 })); },
  });
  await new Promise<void>((resolve) => strict.listen(0, '127.0.0.1', () => resolve()));
  strictPort = (strict.server.address() as AddressInfo).port;
  // accepts TCP connections and never says a word: a host that hangs
  silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  silentPort = (silent.address() as AddressInfo).port;
  server = await startServer({ args: ['--request-timeout', String(REQUEST_TIMEOUT)] });
});
after(async () => {
  await server?.stop();
  if (server) await removeDir(server.dataDir);
  await smtp?.close();
  await new Promise<void>((resolve) => (strict ? strict.close(() => resolve()) : resolve()));
  silent?.close();
  await dovecot?.close();
});

test('good settings: IMAP and SMTP both succeed, and nothing is stored', async () => {
  const before = await api(server.url, 'GET', '/v1/accounts');
  const res = await verify({ imap: imapOf(), smtp: smtpOf(smtp.port) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body, { imap: { success: true }, smtp: { success: true } });
  assert.equal(smtp.delivered.length, 0, 'no mail is sent');
  const after = await api(server.url, 'GET', '/v1/accounts');
  assert.deepEqual(after.body, before.body);
  assert.equal(after.body.total, 0);
});

test('mailboxes: true lists the folders in the original shape', async () => {
  const res = await verify({ imap: imapOf(), mailboxes: true });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.imap, { success: true });
  assert.equal(res.body.smtp, undefined, 'a part not asked about is absent');
  const boxes: { path: string; parentPath: string; name: string; delimiter?: string; listed: boolean; subscribed: boolean; specialUse?: string }[] = res.body.mailboxes;
  const inbox = boxes.find((m) => m.path === 'INBOX');
  assert.ok(inbox, JSON.stringify(boxes));
  assert.equal(inbox.parentPath, '');
  assert.equal(inbox.name, 'INBOX');
  assert.equal(inbox.specialUse, '\\Inbox');
  assert.equal(inbox.listed, true);
  const sent = boxes.find((m) => m.path === 'Sent');
  assert.equal(sent?.specialUse, '\\Sent');
  assert.equal(sent?.subscribed, true);
  assert.equal(typeof sent?.delimiter, 'string');
});

test('wrong passwords: success false with the servers\' words and a code, never the password', async () => {
  const wrong = 'Wrong-Password-93kz';
  const res = await verify({ imap: imapOf({ auth: { user: 'someone', pass: wrong } }), smtp: smtpOf(strictPort, wrong) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.imap.success, false);
  assert.match(res.body.imap.error, /Authentication failed/i);
  assert.equal(res.body.imap.code, 'AUTHENTICATIONFAILED');
  assert.equal(res.body.smtp.success, false);
  assert.match(res.body.smtp.error, /535.*Invalid username or password/);
  assert.equal(res.body.smtp.code, 'EAUTH');
  const text = JSON.stringify(res.body);
  assert.ok(!text.includes(wrong) && !text.includes(PASS), text);
});

test('a closed port: ECONNREFUSED for both, at once', async () => {
  const closed = await freePort();
  const t0 = Date.now();
  const res = await verify({ imap: imapOf({ port: closed }), smtp: smtpOf(closed) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.imap.success, false);
  assert.equal(res.body.imap.code, 'ECONNREFUSED', JSON.stringify(res.body));
  assert.equal(res.body.smtp.success, false);
  assert.equal(res.body.smtp.code, 'ECONNREFUSED', JSON.stringify(res.body));
  assert.equal(typeof res.body.imap.error, 'string');
  assert.ok(Date.now() - t0 < 3_000);
});

test('a host that never greets: ETIMEDOUT for both, answered before the request deadline', async () => {
  const t0 = Date.now();
  const res = await verify({ imap: imapOf({ port: silentPort }), smtp: smtpOf(silentPort) });
  const took = Date.now() - t0;
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.imap, { success: false, error: res.body.imap.error, code: 'ETIMEDOUT' });
  assert.equal(res.body.smtp.success, false);
  assert.equal(res.body.smtp.code, 'ETIMEDOUT', JSON.stringify(res.body));
  // silence is also what secure: false against a TLS-from-the-start port looks like (re-trial)
  assert.match(res.body.imap.error, /set secure: true/);
  assert.match(res.body.smtp.error, /set secure: true/);
  assert.ok(took < REQUEST_TIMEOUT, `took ${took} ms`);
  assert.equal((await api(server.url, 'GET', '/v1/accounts')).body.total, 0);
});

test('bad input is a 400 naming the field', async () => {
  const res = await verify({ imap: { host: '127.0.0.1', port: 0, auth: { user: 'x', pass: 'y' } } });
  assert.equal(res.status, 400);
  assert.match(JSON.stringify(res.body.details), /port/);
  const extra = await verify({ imap: imapOf(), bogus: 1 });
  assert.equal(extra.status, 400);
});
