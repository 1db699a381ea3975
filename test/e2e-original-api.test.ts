// A client of the original IMAP API against this server: every operation of the original's
// Swagger document (test/fixtures) called with the parameters and body fields it declares,
// against the test Dovecot and a real SMTP server, every JSON answer checked with ajv against
// the document's response schema. Fails when an operation is missing, a declared field was
// never sent, or an answer does not conform.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { eventually } from './helpers/api.js';
import { startSmtp, type SmtpSink } from './helpers/smtp.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { Conformance } from './helpers/original-api.js';
import { Compile } from 'typebox/compile';
import { EVENT_DATA } from '../src/schemas/event-data.js';
import type { EventName } from '../src/events/types.js';

const A = 'example';
const VIA_AUTH_SERVER = 'example-auth-server';
const WITH_TOKEN = 'example-token';
const PASSWORD = 'Very-Secret-Imap-Pw-42';
let dovecot: Dovecot;
let smtp: SmtpSink;
let hooks: Receiver;
let authServer: http.Server;
let authUrl: string;
let server: RunningServer;
let login: ImapLogin;
let c: Conformance;

const ok = (res: { problems: string[] }, what: string) => assert.deepEqual(res.problems, [], `${what} does not conform`);
const account = { account: A };

function imapSettings(extra: Record<string, unknown> = {}) {
  return {
    auth: { user: login.user, pass: login.pass }, useAuthServer: false, host: login.host, port: login.port, secure: false,
    tls: { rejectUnauthorized: false, minVersion: 'TLSv1.2' }, resyncDelay: 900, ...extra,
  };
}
function smtpSettings(extra: Record<string, unknown> = {}) {
  return {
    auth: { user: 'me@example.com', pass: 'smtp-secret' }, useAuthServer: false, host: smtp.host, port: smtp.port, secure: false,
    tls: { rejectUnauthorized: false, minVersion: 'TLSv1.2' }, ...extra,
  };
}

before(async () => {
  dovecot = await startDovecot({ password: PASSWORD });
  smtp = await startSmtp();
  hooks = await startReceiver();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('original'), pass: dovecot.password };
  await appendMessages(login, 'INBOX', 4);
  // the original's auth server contract: GET ?account=&proto= → { user, pass }
  authServer = http.createServer((req, res) => {
    const proto = new URL(req.url ?? '/', 'http://x').searchParams.get('proto');
    const creds = proto === 'smtp' ? { user: 'me@example.com', pass: 'smtp-secret' } : { user: login.user, pass: login.pass };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(creds));
  });
  await new Promise<void>((resolve) => authServer.listen(0, '127.0.0.1', resolve));
  authUrl = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}/auth`;
  server = await startServer();
  c = new Conformance(server.url);
});
after(async () => {
  await server?.stop();
  await smtp?.close();
  await hooks?.close();
  await new Promise((resolve) => authServer?.close(resolve));
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('settings: POST every key, GET with every flag and with none', async () => {
  ok(await c.call('POST', '/v1/settings', {
    body: {
      webhooks: hooks.url, webhookEvents: ['messageNew', 'messageDeleted'], notifyHeaders: ['subject', 'x-campaign'],
      authServer: authUrl, notifyText: true, notifyTextSize: 1024,
      gmailClientId: 'client-id.apps.example', gmailClientSecret: 'not-a-real-secret', gmailRedirectUrl: 'http://127.0.0.1/oauth',
      logs: { all: false, accounts: [A], maxLogLines: 1_000_000, resetLoggedAccounts: false },
    },
  }), 'POST /v1/settings');
  const flags = Object.fromEntries(c.api.operation('GET', '/v1/settings').query.map((q) => [q, true]));
  const some = await c.call('GET', '/v1/settings', { query: flags });
  ok(some, 'GET /v1/settings with flags');
  assert.equal(some.body.webhooks, hooks.url);
  assert.deepEqual(some.body.logs.accounts, [A]);
  assert.ok(Array.isArray(some.body.eventTypes) && some.body.eventTypes.includes('messageNew'), 'eventTypes lists the event names');
  assert.equal(some.body.gmailClientSecret, undefined, 'a secret is never returned');
  const one = await c.call('GET', '/v1/settings', { query: { notifyText: true } });
  ok(one, 'GET /v1/settings?notifyText=true');
  assert.deepEqual(Object.keys(one.body), ['notifyText'], 'a flag selects just its key');
  ok(await c.call('GET', '/v1/settings'), 'GET /v1/settings');
});

test('verifyAccount: IMAP and SMTP logins, with the folder list', async () => {
  const res = await c.call('POST', '/v1/verifyAccount', { body: { mailboxes: true, imap: imapSettings(), smtp: smtpSettings() } });
  ok(res, 'POST /v1/verifyAccount');
  assert.equal(res.body.imap.success, true, JSON.stringify(res.body));
  assert.equal(res.body.smtp.success, true, JSON.stringify(res.body));
  assert.ok(res.body.mailboxes.some((m: { path: string }) => m.path === 'INBOX'));
  const refused = await c.call('POST', '/v1/verifyAccount', {
    body: { imap: imapSettings({ auth: { user: login.user, accessToken: 'not-a-token' } }), smtp: smtpSettings({ auth: { user: 'me@example.com', accessToken: 'smtp-token' } }) },
  });
  ok(refused, 'POST /v1/verifyAccount (token)');
  const viaAuthServer = await c.call('POST', '/v1/verifyAccount', { body: { smtp: smtpSettings({ useAuthServer: true, auth: undefined }) } });
  ok(viaAuthServer, 'POST /v1/verifyAccount (auth server)');
  assert.equal(viaAuthServer.body.smtp.code, 'NoCredentials', 'a verification has no account to ask the auth server about');
  assert.equal(refused.body.imap.success, false, 'Dovecot refuses a token it cannot check');
});

test('accounts: register with every field of the original body, then list, read, update, reconnect', async () => {
  ok(await c.call('POST', '/v1/account', {
    body: { account: A, name: 'My Email Account', copy: true, notifyFrom: new Date().toISOString(), imap: imapSettings(), smtp: smtpSettings() },
  }), 'POST /v1/account');
  ok(await c.call('POST', '/v1/account', {
    body: {
      account: VIA_AUTH_SERVER, name: 'From the auth server', path: 'INBOX',
      imap: { useAuthServer: true, host: login.host, port: login.port, secure: false },
      smtp: { useAuthServer: true, host: smtp.host, port: smtp.port, secure: false },
    },
  }), 'POST /v1/account (auth server)');
  ok(await c.call('POST', '/v1/account', {
    body: {
      account: WITH_TOKEN, name: 'OAuth2', oauth2: { auth: { user: login.user } },
      imap: imapSettings({ auth: { user: login.user, accessToken: 'not-a-token' } }), smtp: smtpSettings({ auth: { user: 'me@example.com', accessToken: 'smtp-token' } }),
    },
  }), 'POST /v1/account (token)');
  for (const id of [A, VIA_AUTH_SERVER]) {
    await eventually(async () => (await c.call('GET', '/v1/accounts', { query: { page: 0, pageSize: 20, state: 'connected' } }))
      .body.accounts.some((a: { account: string }) => a.account === id), 20_000, `${id} connected`);
  }
  const list = await c.call('GET', '/v1/accounts', { query: { page: 0, pageSize: 20, state: 'connected' } });
  ok(list, 'GET /v1/accounts');
  const read = await c.call('GET', '/v1/account/{account}', { params: account });
  ok(read, 'GET /v1/account/{account}');
  assert.equal(read.body.copy, true);
  assert.equal(read.body.imap.resyncDelay, 900);
  assert.equal(read.body.imap.auth.pass, undefined, 'no password in the answer');
  ok(await c.call('PUT', '/v1/account/{account}', {
    params: account, body: { name: 'Renamed', path: 'INBOX', copy: false, notifyFrom: new Date(0).toISOString(), imap: imapSettings(), smtp: smtpSettings() },
  }), 'PUT /v1/account/{account}');
  ok(await c.call('PUT', '/v1/account/{account}', { params: account, body: { copy: true } }), 'PUT /v1/account/{account} (partial)');
  ok(await c.call('PUT', '/v1/account/{account}', { params: account, body: {} }), 'PUT /v1/account/{account} (nothing to change)');
  ok(await c.call('PUT', '/v1/account/{account}', {
    params: { account: WITH_TOKEN },
    body: { imap: imapSettings({ auth: { user: login.user, accessToken: 'another-token' } }), smtp: smtpSettings({ auth: { user: 'me@example.com', accessToken: 'new-smtp-token' } }) },
  }), 'PUT /v1/account/{account} (new tokens)');
  ok(await c.call('PUT', '/v1/account/{account}/reconnect', { params: account, body: { reconnect: true } }), 'PUT …/reconnect');
  await eventually(async () => (await c.call('GET', '/v1/accounts', { query: { state: 'connected' } }))
    .body.accounts.some((a: { account: string }) => a.account === A), 20_000, 'connected again');
  const unset = await c.call('GET', '/v1/accounts', { query: { state: 'unset' } });
  ok(unset, 'GET /v1/accounts?state=unset');
  assert.deepEqual(unset.body.accounts, [], 'no account is ever unset here');
  const stats = await c.call('GET', '/v1/stats', { query: { seconds: 3600 } });
  ok(stats, 'GET /v1/stats');
  assert.equal(stats.body.accounts, 3);
});

test('folders: list, create from an array path, delete', async () => {
  const list = await c.call('GET', '/v1/account/{account}/mailboxes', { params: account });
  ok(list, 'GET …/mailboxes');
  const delimiter: string = list.body.mailboxes.find((m: { path: string }) => m.path === 'INBOX').delimiter;
  const created = await c.call('POST', '/v1/account/{account}/mailbox', { params: account, body: { path: ['Conformance', 'Child'] } });
  ok(created, 'POST …/mailbox');
  assert.equal(created.body.path, `Conformance${delimiter}Child`);
  const gone = await c.call('DELETE', '/v1/account/{account}/mailbox', { params: account, query: { path: created.body.path } });
  ok(gone, 'DELETE …/mailbox');
  assert.equal(gone.body.deleted, true);
});

test('messages: list, search by every criterion, read, text, attachment, source', async () => {
  const list = await c.call('GET', '/v1/account/{account}/messages', { params: account, query: { path: 'INBOX', page: 0, pageSize: 20 } });
  ok(list, 'GET …/messages');
  assert.equal(list.body.messages.length, 4);
  const withFile = list.body.messages.find((m: { attachments?: unknown[] }) => m.attachments?.length);
  assert.ok(withFile, 'a seeded message has a file');
  const since = '2020-01-01';
  const criteria: Record<string, unknown>[] = [
    { seq: '1:*' }, { answered: false }, { deleted: false }, { draft: false }, { unseen: true }, { flagged: false }, { seen: false },
    { from: 'example' }, { to: 'example' }, { cc: 'example' }, { bcc: 'example' }, { body: 'the' }, { subject: 'a' },
    { larger: 10 }, { smaller: 10_000_000 }, { uid: '1:*' }, { modseq: 1 }, { before: '2100-01-01' }, { since },
    { sentBefore: '2100-01-01' }, { sentSince: since }, { emailId: '1694937972638499881' }, { threadId: '1694936993596975454' },
    { header: { 'message-id': '@' } },
  ];
  for (const search of criteria) {
    ok(await c.call('POST', '/v1/account/{account}/search', { params: account, query: { path: 'INBOX', page: 0, pageSize: 20 }, body: { search } }), `search ${JSON.stringify(search)}`);
  }
  const everything = await c.call('POST', '/v1/account/{account}/search', { params: account, query: { path: 'INBOX' }, body: { search: {} } });
  ok(everything, 'search {}');
  assert.equal(everything.body.total, 4, 'an empty search matches every message, as in the original');
  const message = await c.call('GET', '/v1/account/{account}/message/{message}', { params: { ...account, message: withFile.id }, query: { maxBytes: 4096, textType: '*' } });
  ok(message, 'GET …/message/{message}');
  const text = await c.call('GET', '/v1/account/{account}/text/{text}', { params: { ...account, text: message.body.text.id }, query: { maxBytes: 4096, textType: 'plain' } });
  ok(text, 'GET …/text/{text}');
  const file = await c.call('GET', '/v1/account/{account}/attachment/{attachment}', { params: { ...account, attachment: withFile.attachments[0].id } });
  assert.deepEqual(file.problems, []);
  assert.equal(file.headers.get('content-type')?.split(';')[0], withFile.attachments[0].contentType);
  const source = await c.call('GET', '/v1/account/{account}/message/{message}/source', { params: { ...account, message: withFile.id } });
  assert.deepEqual(source.problems, []);
  assert.match(source.text, /^[\w-]+: /, 'the raw message starts with a header');
});

test('writes: flags and labels, move, delete, upload, submit', async () => {
  const list = await c.call('GET', '/v1/account/{account}/messages', { params: account, query: { path: 'INBOX' } });
  const [first, second, third] = list.body.messages as { id: string; messageId: string }[];
  assert.ok(first && second && third);
  const one = { ...account, message: first.id };
  ok(await c.call('PUT', '/v1/account/{account}/message/{message}', { params: one, body: { flags: { add: ['\\Flagged'], delete: ['\\Seen'] }, labels: { add: ['Work'], delete: ['Old'] } } }), 'PUT …/message (add, delete)');
  ok(await c.call('PUT', '/v1/account/{account}/message/{message}', { params: one, body: { flags: { set: ['\\Seen'] }, labels: { set: ['Work'] } } }), 'PUT …/message (set)');
  ok(await c.call('POST', '/v1/account/{account}/mailbox', { params: account, body: { path: ['Archive'] } }), 'POST …/mailbox');
  const moved = await c.call('PUT', '/v1/account/{account}/message/{message}/move', { params: { ...account, message: second.id }, body: { path: 'Archive' } });
  ok(moved, 'PUT …/move');
  assert.equal(moved.body.path, 'Archive');
  ok(await c.call('DELETE', '/v1/account/{account}/message/{message}', { params: { ...account, message: third.id } }), 'DELETE …/message');
  // the original lower-cases these enums (x-convert: lower), so any case is accepted
  const file = { filename: 'transparent.gif', content: 'R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=', contentType: 'image/gif', contentDisposition: 'INLINE', cid: 'unique-image-id@localhost', encoding: 'base64' };
  const letter = {
    from: { name: 'Me', address: 'me@example.com' }, to: [{ name: 'You', address: 'you@example.org' }], cc: [{ name: 'Cc', address: 'cc@example.org' }], bcc: [{ name: 'Bcc', address: 'bcc@example.org' }],
    subject: 'What a wonderful message', text: 'Hello from myself!', html: '<p>Hello from myself! <img src="cid:unique-image-id@localhost"></p>',
    attachments: [file], headers: { 'X-Campaign': 'spring' },
  };
  const uploaded = await c.call('POST', '/v1/account/{account}/message', {
    params: account, body: { path: 'INBOX', flags: ['\\Seen'], reference: { message: first.id, action: 'Reply' }, ...letter, messageId: '<upload-1@example.com>' },
  });
  ok(uploaded, 'POST …/message');
  const sent = await c.call('POST', '/v1/account/{account}/submit', { params: account, body: { reference: { message: first.id, action: 'forward' }, ...letter, messageId: '<submit-1@example.com>' } });
  ok(sent, 'POST …/submit');
  await smtp.waitFor((d) => d.some((m) => m.parsed.messageId === '<submit-1@example.com>'), 15_000, 'the message at the SMTP server');
});

test('logs: the logged account\'s IMAP traffic as a text file, without its password', async () => {
  const res = await c.call('GET', '/v1/logs/{account}', { params: account });
  assert.deepEqual(res.problems, []);
  assert.match(res.text, /SELECT|FETCH|LIST/, 'IMAP commands are in the log');
  assert.ok(!res.text.includes(PASSWORD), 'no password in the log');
  assert.ok(!res.text.includes(Buffer.from(`\0${login.user}\0${PASSWORD}`).toString('base64')), 'no AUTHENTICATE PLAIN payload in the log');
});

test('GET /swagger.json: a document with every path of the original', async () => {
  const res = await fetch(`${server.url}/swagger.json`);
  assert.equal(res.status, 200);
  const doc = await res.json() as { paths: Record<string, Record<string, unknown>> };
  for (const op of c.api.operations) assert.ok(doc.paths[op.path]?.[op.method.toLowerCase()], `${op.method} ${op.path} is in /swagger.json`);
});

test('every event logged meanwhile has the data its schema (and the webhooks section) declares', async () => {
  const res = await fetch(`${server.url}/v1/events?since=0&limit=1000`);
  const { events } = await res.json() as { events: { event: EventName; data: unknown }[] };
  const kinds = new Set(events.map((e) => e.event));
  for (const kind of ['messageNew', 'messageDeleted', 'messageUpdated', 'accountAdded', 'authenticationSuccess', 'authenticationError', 'messageSent'] as const) {
    assert.ok(kinds.has(kind), `no ${kind} was logged`);
  }
  for (const e of events) {
    const check = Compile(EVENT_DATA[e.event]);
    assert.ok(check.Check(e.data), `${e.event}: ${JSON.stringify([...check.Errors(e.data)].slice(0, 3))} in ${JSON.stringify(e.data).slice(0, 300)}`);
  }
});

test('delete the accounts; every operation and every declared field was exercised', async () => {
  for (const id of [A, VIA_AUTH_SERVER, WITH_TOKEN]) ok(await c.call('DELETE', '/v1/account/{account}', { params: { account: id } }), `DELETE ${id}`);
  assert.deepEqual(c.uncalled(), [], 'operations of the document never answered 200');
  assert.deepEqual(c.unused(), [], 'declared parameters and body fields never sent');
});
