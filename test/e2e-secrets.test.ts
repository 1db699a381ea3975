// Secrets at rest and on the way out: a tour of the API with distinctive passwords, an access
// token, a webhook secret, an auth-server URL with credentials and a Gmail client secret, at
// trace log level; then every response body, webhook body, stream frame, the server's whole
// output and every byte of its data dir are searched for them (in any spelling).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually } from './helpers/api.js';
import { startSmtp, type SmtpSink } from './helpers/smtp.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { PlantedSecrets, type Finding } from './helpers/secret-scan.js';
import { startIntrospection, type Introspection } from './helpers/introspection.js';

/** Every secret the tour plants; a later feature adds its own (an API token) with `add`. */
export const secrets = new PlantedSecrets();
const IMAP_PW = secrets.make('imap-pw');
const SMTP_PW = secrets.make('smtp-pw');
const SMTP_PW_NEW = secrets.make('smtp-pw-new');
const BAD_PW = secrets.make('bad-pw');
const IMAP_TOKEN = secrets.make('imap-token');
const WEBHOOK_SECRET = secrets.make('webhook-secret');
const AUTH_URL_PW = secrets.make('auth-url-pw');
const GMAIL_SECRET = secrets.make('gmail-secret');
/** message text of a submission that waits in the outbox: it must not reach the data dir */
const BODY_MARK = `Confidential-body-${Date.now().toString(36)}`;

let dovecot: Dovecot;
let smtp: SmtpSink;
let receiver: Receiver;
let server: RunningServer;
let introspection: Introspection;
let authServer: Server;
let ws: WebSocket;
/** every answer body of the tour, with its request line */
const answers: { what: string; text: string }[] = [];
const frames: string[] = [];
const asked: string[] = [];

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const s = createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { server: s, port: (s.address() as AddressInfo).port };
}

/** `api` that keeps the raw answer for the scan. */
async function call(method: string, path: string, body?: unknown) {
  const res = await api(server.url, method, path, body);
  answers.push({ what: `${method} ${path} → ${res.status}`, text: typeof res.body === 'string' ? res.body : JSON.stringify(res.body) });
  return res;
}

/** A raw request (bodies that are not JSON, answers that are not JSON) that keeps its answer. */
async function raw(method: string, path: string, body?: string) {
  const res = await fetch(server.url + path, { method, ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}) });
  const text = await res.text();
  answers.push({ what: `${method} ${path} → ${res.status}`, text });
  return { status: res.status, text };
}

const stateOf = async (account: string) => (await call('GET', `/v1/account/${account}`)).body;
const reaches = (account: string, state: string, ms = 15_000) =>
  eventually(async () => (await stateOf(account)).state === state, ms, `${account} → ${state}`);
const imapAt = () => ({ host: dovecot.host, port: dovecot.port, secure: false });
const smtpAt = () => ({ host: smtp.host, port: smtp.port, secure: false });

before(async () => {
  const tokenUsers = new Map([[IMAP_TOKEN, 'token-user']]);
  introspection = await startIntrospection(tokenUsers);
  dovecot = await startDovecot({ password: IMAP_PW, oauth2: { introspectionUrl: introspection.url } });
  smtp = await startSmtp(undefined, { login: (l) => l.password === SMTP_PW || l.password === SMTP_PW_NEW });
  receiver = await startReceiver();
  // the auth server answers only with the Basic credentials its URL carries
  const expected = `Basic ${Buffer.from(`authuser:${AUTH_URL_PW}`).toString('base64')}`;
  const auth = await listen((req, res) => {
    const proto = new URL(req.url ?? '/', 'http://x').searchParams.get('proto') ?? '';
    asked.push(proto);
    if (req.headers.authorization !== expected) return void res.writeHead(401).end();
    const creds = proto === 'smtp' ? { user: 'smtp-user', pass: SMTP_PW } : { user: 'via-auth', pass: IMAP_PW };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(creds));
  });
  authServer = auth.server;
  server = await startServer({ args: ['--log-level', 'trace'] });
  ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/v1/stream?states=true`);
  ws.on('message', (data) => frames.push(data.toString()));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  await tour(auth.port);
});
after(async () => {
  ws?.close();
  await server?.stop();
  await smtp?.close();
  await receiver?.close();
  await dovecot?.close();
  introspection?.close();
  authServer?.close();
  if (server) await removeDir(server.dataDir);
});

async function settingsPart(authPort: number): Promise<void> {
  const authUrl = `http://authuser:${AUTH_URL_PW}@127.0.0.1:${authPort}/credentials`;
  const put = await call('PUT', '/v1/settings', {
    webhooks: receiver.url, secret: WEBHOOK_SECRET, authServer: authUrl,
    gmailClientId: 'client-id', gmailClientSecret: GMAIL_SECRET, logs: { all: true },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.secretSet, true);
  assert.equal(put.body.gmailClientSecretSet, true);
  assert.match(put.body.authServer, /^http:\/\/authuser:\*\*\*@127\.0\.0\.1:/, 'the URL is shown with its password masked');
  // the original's form, which answers the keys it set
  const posted = await call('POST', '/v1/settings', { secret: WEBHOOK_SECRET, gmailClientSecret: GMAIL_SECRET, authServer: authUrl });
  assert.equal(posted.status, 200, JSON.stringify(posted.body));
  assert.equal((await call('GET', '/v1/settings')).status, 200);
  assert.equal((await call('GET', '/v1/settings?webhooks=true&authServer=true&gmailClientSecret=true')).status, 200);
  const test = await call('POST', '/v1/webhooks/test');
  assert.equal(test.body.ok, true, JSON.stringify(test.body));
}

async function accountsPart(): Promise<void> {
  const add = (body: Record<string, unknown>) => call('POST', '/v1/account', { name: 'x', ...body });
  assert.equal((await add({ account: 'pw', imap: { ...imapAt(), auth: { user: 'pw-user', pass: IMAP_PW } }, smtp: { ...smtpAt(), auth: { user: 'smtp-user', pass: SMTP_PW } } })).status, 200);
  assert.equal((await add({ account: 'token', imap: { ...imapAt(), auth: { user: 'token-user', accessToken: IMAP_TOKEN } } })).status, 200);
  assert.equal((await add({ account: 'via-auth', imap: { ...imapAt(), useAuthServer: true }, smtp: { ...smtpAt(), useAuthServer: true } })).status, 200);
  assert.equal((await add({ account: 'bad', imap: { ...imapAt(), auth: { user: 'bad-user', pass: BAD_PW } } })).status, 200);
  for (const account of ['pw', 'token', 'via-auth']) await reaches(account, 'connected');
  await reaches('bad', 'authenticationError');
  assert.ok((await stateOf('bad')).lastError, 'the refused login left its error');
  assert.ok(asked.includes('imap'), 'the auth server was asked, with the URL credentials');
  assert.equal((await call('GET', '/v1/accounts')).status, 200);
  assert.equal((await call('GET', '/v1/accounts?state=authenticationError')).status, 200);
  // a new SMTP password, the same IMAP one again (a reconnect)
  const put = await call('PUT', '/v1/account/pw', { imap: { auth: { pass: IMAP_PW } }, smtp: { auth: { pass: SMTP_PW_NEW } } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await reaches('pw', 'connected');
  const good = await call('POST', '/v1/verifyAccount', { mailboxes: true, imap: { ...imapAt(), auth: { user: 'v', pass: IMAP_PW } }, smtp: { ...smtpAt(), auth: { user: 'v', pass: SMTP_PW_NEW } } });
  assert.equal(good.body.imap.success, true, JSON.stringify(good.body));
  assert.equal(good.body.smtp.success, true, JSON.stringify(good.body));
  const bad = await call('POST', '/v1/verifyAccount', { imap: { ...imapAt(), auth: { user: 'v', pass: BAD_PW } }, smtp: { ...smtpAt(), auth: { user: 'v', pass: BAD_PW } } });
  assert.equal(bad.body.imap.success, false);
  assert.equal(bad.body.smtp.success, false);
  assert.equal((await call('GET', '/v1/account/pw/mailboxes')).status, 200);
}

async function mailPart(): Promise<void> {
  const submit = (account: string, subject: string, extra: Record<string, unknown> = {}) => call('POST', `/v1/account/${account}/submit`, {
    from: { address: 'alice@example.com' }, to: [{ address: 'bob@example.org' }], subject, text: `${BODY_MARK} ${subject}`, ...extra,
  });
  assert.equal((await submit('pw', 'sent now')).status, 200);
  assert.equal((await submit('via-auth', 'sent with auth-server credentials')).status, 200);
  await smtp.waitFor((d) => ['sent now', 'sent with auth-server credentials'].every((s) => d.some((m) => m.parsed.subject === s)), 15_000, 'both sent');
  const later = await submit('pw', 'waits in the outbox', { sendAt: new Date(Date.now() + 3600_000).toISOString() });
  assert.equal(later.status, 200);
  const waiting = (await call('GET', '/v1/outbox')).body.messages as { queueId: string; subject: string }[];
  assert.equal(waiting.find((m) => m.queueId === later.body.queueId)?.subject, 'waits in the outbox');
  assert.equal((await call('GET', `/v1/outbox/${later.body.queueId}`)).status, 200);
  const list = await call('GET', '/v1/account/pw/messages?path=INBOX');
  assert.equal(list.status, 200);
  const logs = await raw('GET', '/v1/logs/pw');
  assert.equal(logs.status, 200);
  assert.match(logs.text, /LOGIN|AUTHENTICATE/i, 'the traffic log has the login, redacted');
}

async function errorsPart(): Promise<void> {
  // a broken body and a body of wrong types, both holding a secret: the 400 must not echo it
  const broken = await raw('POST', '/v1/account', `{"account":"x","imap":{"auth":{"user":"u","pass":${IMAP_PW}}}}`);
  assert.equal(broken.status, 400, broken.text);
  // V8 quotes ten characters from the bad token on: a whole short password, a secret's start here
  assert.ok(!broken.text.includes(IMAP_PW.slice(0, 7)), broken.text);
  const typed = await call('POST', '/v1/account', { account: 'typed', imap: { host: 'h', port: IMAP_PW, auth: { user: 'u', pass: 5 } } });
  assert.equal(typed.status, 400);
  const settings = await call('PUT', '/v1/settings', { secret: 5, gmailClientSecret: { value: GMAIL_SECRET }, authServer: `not a url ${AUTH_URL_PW}` });
  assert.equal(settings.status, 400);
  assert.equal((await call('GET', '/v1/events')).status, 200);
  assert.equal((await call('GET', '/v1/events?account=bad')).status, 200);
  assert.equal((await call('GET', '/v1/webhooks/failed')).status, 200);
  assert.equal((await call('GET', '/v1/stats')).status, 200);
  assert.equal((await call('DELETE', '/v1/account/bad')).status, 200);
}

/** Last (once a token exists every call needs one): an API token is made, used, listed, revoked. */
async function tokensPart(): Promise<void> {
  // the one answer that holds the token by design: not kept with the answers scanned
  const res = await fetch(`${server.url}/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ description: 'secrets tour', scopes: ['admin'] }) });
  assert.equal(res.status, 200);
  const made = { body: await res.json() as { id: string; token: string } };
  const token = secrets.add('api-token', made.body.token);
  const bearer = { authorization: `Bearer ${token}` };
  for (const path of ['/v1/tokens', '/v1/accounts', '/v1/settings', `/v1/stream-nothing`]) {
    const res = await fetch(server.url + path, { headers: bearer });
    answers.push({ what: `GET ${path} (token) → ${res.status}`, text: await res.text() });
  }
  const refused = await fetch(`${server.url}/v1/accounts`, { headers: { authorization: `Bearer ${token}x` } });
  assert.equal(refused.status, 401);
  answers.push({ what: 'GET /v1/accounts (token one letter off) → 401', text: await refused.text() });
  const gone = await fetch(`${server.url}/v1/token/${made.body.id}`, { method: 'DELETE', headers: bearer });
  answers.push({ what: `DELETE /v1/token → ${gone.status}`, text: await gone.text() });
}

async function tour(authPort: number): Promise<void> {
  await settingsPart(authPort);
  await accountsPart();
  await mailPart();
  await errorsPart();
  // the webhook worker has sent what the tour made happen
  await receiver.waitFor((reqs) => reqs.some((r) => r.json?.event === 'messageSent'), 15_000, 'a messageSent webhook');
  await eventually(async () => frames.some((f) => f.includes('authenticationError')), 5000, 'an authenticationError frame');
  await tokensPart();
}

const report = (found: Finding[]) => found.map((f) => `${f.label} in ${f.where} as ${f.spelling}`).join('\n');

test('the tour happened: answers, webhooks (signed), stream frames and a verbose log were all produced', () => {
  assert.ok(answers.length > 30, `${answers.length} answers`);
  assert.ok(receiver.requests.length > 3, 'webhooks were sent');
  assert.ok(receiver.requests.every((r) => typeof r.headers['x-imapapi-signature'] === 'string'), 'every webhook is signed');
  assert.ok(frames.length > 3, 'stream frames arrived');
  assert.match(server.output(), /"level":20/, 'debug lines are written (nothing logs at trace yet)');
});

test('no API answer holds a secret', () => {
  assert.equal(report(answers.flatMap((a) => secrets.scan(a.what, a.text))), '');
});

test('no webhook request (body or headers) and no stream frame holds a secret', () => {
  const found = [
    ...receiver.requests.flatMap((r, i) => [...secrets.scan(`webhook ${i} body`, r.body), ...secrets.scan(`webhook ${i} headers`, JSON.stringify(r.headers))]),
    ...frames.flatMap((f, i) => secrets.scan(`frame ${i}`, f)),
  ];
  assert.equal(report(found), '');
});

test('after a stop: not the server output nor any byte of the data dir holds a secret or the queued message text', async () => {
  await server.stop();
  const files = async (dir: string): Promise<string[]> => (await Promise.all((await readdir(dir, { withFileTypes: true }))
    .map((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])))).flat();
  const all = await files(server.dataDir);
  assert.ok(all.some((f) => f.endsWith('.mdb')), all.join(', '));
  const found = secrets.scan('server output', server.output());
  for (const file of all) {
    const bytes = await readFile(file);
    found.push(...secrets.scan(file, bytes));
    assert.equal(bytes.indexOf(BODY_MARK), -1, `the message text is in ${file}`);
  }
  assert.equal(report(found), '');
});
