// The original IMAP API's account fields end to end: its body with copy, notifyFrom, tls and
// resyncDelay over Dovecot's TLS port; useAuthServer (credentials from an auth server the test
// runs, kept nowhere); auth.accessToken over XOAUTH2 to Dovecot's OAuth2 passdb and to SMTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually } from './helpers/api.js';
import { startSmtp, type SmtpSink } from './helpers/smtp.js';
import { dataDirWithSettings } from './helpers/settings-seed.js';
import { PlantedSecrets } from './helpers/secret-scan.js';
import { startIntrospection, type Introspection } from './helpers/introspection.js';

// unique per run, so finding them anywhere means they leaked
const DOVECOT_PW = `imap-pw-${randomBytes(6).toString('hex')}`;
const SMTP_PW = `smtp-pw-${randomBytes(6).toString('hex')}`;
const IMAP_TOKEN = `imap-token-${randomBytes(6).toString('hex')}`;
const SMTP_TOKEN = `smtp-token-${randomBytes(6).toString('hex')}`;
const SECRETS = [DOVECOT_PW, SMTP_PW, IMAP_TOKEN, SMTP_TOKEN];
// also searched for in every answer and server output of the suite (scripts/grep-secrets.mjs)
const planted = new PlantedSecrets();
SECRETS.forEach((s, i) => planted.add(`account-fields-${i}`, s));

let dovecot: Dovecot;
let smtp: SmtpSink;
let server: RunningServer;
let introspection: Introspection;
let authServer: Server;
/** what the auth server was asked: `account` and `proto` of each request */
const asked: { account: string | null; proto: string | null }[] = [];
const tokenUsers = new Map<string, string>();

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const s = createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
}

// the plain port offers STARTTLS with the self-signed certificate: trusted for these accounts only
const plainImap = () => ({ host: dovecot.host, port: dovecot.port, tls: { rejectUnauthorized: false } });
const stateOf = async (s: RunningServer, account: string) => (await api(s.url, 'GET', `/v1/account/${account}`)).body;
const reaches = (s: RunningServer, account: string, state: string, ms = 15_000) =>
  eventually(async () => (await stateOf(s, account)).state === state, ms, `${account} → ${state}`);
const eventsOf = async (s: RunningServer, account: string) => (await api(s.url, 'GET', `/v1/events?account=${account}`)).body.events as { event: string; data: any }[];

async function submitAndWait(s: RunningServer, account: string, subject: string): Promise<void> {
  const res = await api(s.url, 'POST', `/v1/account/${account}/submit`, { from: { address: 'alice@example.com' }, to: [{ address: 'bob@example.org' }], subject, text: 'x' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await smtp.waitFor((d) => d.some((m) => m.parsed.subject === subject), 15_000, subject);
}

before(async () => {
  introspection = await startIntrospection(tokenUsers);
  dovecot = await startDovecot({ tls: true, password: DOVECOT_PW, oauth2: { introspectionUrl: introspection.url } });
  smtp = await startSmtp(undefined, { login: (l) => (l.method === 'XOAUTH2' ? l.accessToken === SMTP_TOKEN : l.password === SMTP_PW) });
  // the auth server: credentials by account, and a failing one of each kind
  const auth = await listen((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const account = q.get('account');
    const proto = q.get('proto');
    asked.push({ account, proto });
    const creds = proto === 'smtp' ? { user: 'smtp-user', pass: SMTP_PW } : { user: 'via-auth', pass: DOVECOT_PW };
    if (account === 'auth-500') res.writeHead(500).end(JSON.stringify({ pass: DOVECOT_PW }));
    else if (account === 'auth-junk') res.writeHead(200, { 'content-type': 'application/json' }).end(`pass=${DOVECOT_PW}`);
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(creds));
  });
  authServer = auth.server;
  // no NODE_EXTRA_CA_CERTS: Dovecot's self-signed certificate is trusted only where the body says so
  server = await startServer({ dataDir: await dataDirWithSettings({ authServer: `${auth.url}/credentials` }) });
});
after(async () => {
  await server?.stop();
  await smtp?.close();
  await dovecot?.close();
  introspection?.close();
  authServer?.close();
  if (server) await removeDir(server.dataDir);
});

describe('the original account body', () => {
  test('copy, notifyFrom, tls {rejectUnauthorized: false, minVersion} and resyncDelay: registers, connects, GET shows them', async () => {
    const tls = { rejectUnauthorized: false, minVersion: 'TLSv1.2' };
    const body = {
      account: 'orig', name: 'My Email Account', copy: false, notifyFrom: '2021-07-08T07:06:34.336Z',
      imap: { host: dovecot.host, port: dovecot.tlsPort, secure: true, auth: { user: 'orig-user', pass: DOVECOT_PW }, tls, resyncDelay: 900 },
      smtp: { host: smtp.host, port: smtp.port, secure: false, auth: { user: 'smtp-user', pass: SMTP_PW }, tls },
    };
    const res = await api(server.url, 'POST', '/v1/account', body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await reaches(server, 'orig', 'connected');
    const view = await stateOf(server, 'orig');
    assert.equal(view.copy, false);
    assert.equal(view.notifyFrom, '2021-07-08T07:06:34.336Z');
    assert.deepEqual(view.imap, { host: dovecot.host, port: dovecot.tlsPort, secure: true, auth: { user: 'orig-user' }, tls, resyncDelay: 900 });
    assert.deepEqual(view.smtp.tls, tls);
    for (const secret of SECRETS) assert.ok(!JSON.stringify(view).includes(secret), 'a secret in the view');
    assert.ok(!JSON.stringify(view).includes('$gcm1$'), 'a sealed value in the view');
  });

  test('the tls settings reach the connection: the same body without them refuses the self-signed certificate', async () => {
    const res = await api(server.url, 'POST', '/v1/account', {
      account: 'strict-tls', name: 'x', imap: { host: dovecot.host, port: dovecot.tlsPort, secure: true, auth: { user: 'strict', pass: DOVECOT_PW } },
    });
    assert.equal(res.status, 200);
    await reaches(server, 'strict-tls', 'connectError');
    assert.match((await stateOf(server, 'strict-tls')).lastError.message, /certificate/i);
  });

  test('the account defaults: notifyFrom is when it was added', async () => {
    const before = Date.now();
    await api(server.url, 'POST', '/v1/account', { account: 'plain', name: 'x', imap: { ...plainImap(), auth: { user: 'plain', pass: DOVECOT_PW } } });
    const view = await stateOf(server, 'plain');
    const t = Date.parse(view.notifyFrom);
    assert.ok(t >= before - 5 && t <= Date.now(), view.notifyFrom);
    assert.equal(view.notifyFrom, view.created);
  });

  test('a body without pass, accessToken or useAuthServer is a 400 naming the field; a bad TLS version too', async () => {
    const noPass = await api(server.url, 'POST', '/v1/account', { account: 'nopass', name: 'x', imap: { ...plainImap(), auth: { user: 'u' } } });
    assert.equal(noPass.status, 400);
    assert.equal(noPass.body.details[0].field, 'imap.auth.pass');
    const badTls = await api(server.url, 'POST', '/v1/account', {
      account: 'nopass', name: 'x', imap: { ...plainImap(), auth: { user: 'u', pass: 'p' }, tls: { minVersion: 'SSLv3' } },
    });
    assert.equal(badTls.status, 400);
    // the original's Gmail app login without IMAP settings: refused in words that say why
    const gmailApp = await api(server.url, 'POST', '/v1/account', { account: 'nopass', name: 'x', imap: false, oauth2: { auth: { user: 'someone@gmail.com' } } });
    assert.equal(gmailApp.status, 400);
    assert.equal(gmailApp.body.details[0].field, 'imap');
    assert.match(gmailApp.body.details[0].reason, /imap: false.*not supported.*oauth2/);
    assert.equal((await api(server.url, 'GET', '/v1/account/nopass')).status, 404, 'nothing stored');
  });
});

describe('useAuthServer', () => {
  test('IMAP and SMTP log in with what the auth server hands out; nothing of it is kept', async () => {
    const res = await api(server.url, 'POST', '/v1/account', {
      account: 'via-auth', name: 'x',
      imap: { ...plainImap(), useAuthServer: true },
      smtp: { host: smtp.host, port: smtp.port, useAuthServer: true },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await reaches(server, 'via-auth', 'connected');
    const view = await stateOf(server, 'via-auth');
    assert.equal(view.imap.useAuthServer, true);
    assert.equal(view.imap.auth, undefined);
    // the API's own connection logs in through the auth server too
    assert.equal((await api(server.url, 'GET', '/v1/account/via-auth/mailboxes')).status, 200);
    await submitAndWait(server, 'via-auth', 'sent with auth server credentials');
    assert.ok(smtp.logins.some((l) => l.username === 'smtp-user' && l.password === SMTP_PW), 'SMTP login with the handed-out password');
    const mine = asked.filter((a) => a.account === 'via-auth');
    assert.ok(mine.filter((a) => a.proto === 'imap').length >= 2, `IMAP connections ask each time: ${JSON.stringify(mine)}`);
    assert.ok(mine.some((a) => a.proto === 'smtp'));
  });

  for (const [account, why] of [['auth-500', /HTTP 500/], ['auth-junk', /not JSON/]] as const) {
    test(`an auth server answering ${account === 'auth-500' ? '500' : 'garbage'} → authenticationError with the reason`, async () => {
      await api(server.url, 'POST', '/v1/account', { account, name: 'x', imap: { ...plainImap(), useAuthServer: true } });
      await reaches(server, account, 'authenticationError');
      const view = await stateOf(server, account);
      assert.match(view.lastError.message, why);
      assert.ok(!view.lastError.message.includes(DOVECOT_PW));
      const failed = await eventually(async () => (await eventsOf(server, account)).find((e) => e.event === 'authenticationError'), 5000, 'authenticationError event');
      assert.match(failed.data.message, why);
    });
  }
});

describe('auth.accessToken', () => {
  test('IMAP over XOAUTH2 to Dovecot and SMTP over XOAUTH2: connects and sends; the tokens are never returned', async () => {
    tokenUsers.set(IMAP_TOKEN, 'tok-user');
    const res = await api(server.url, 'POST', '/v1/account', {
      account: 'tok', name: 'x',
      imap: { ...plainImap(), auth: { user: 'tok-user', accessToken: IMAP_TOKEN } },
      smtp: { host: smtp.host, port: smtp.port, auth: { user: 'smtp-tok', accessToken: SMTP_TOKEN } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await reaches(server, 'tok', 'connected');
    await submitAndWait(server, 'tok', 'sent over XOAUTH2');
    assert.ok(smtp.logins.some((l) => l.method === 'XOAUTH2' && l.username === 'smtp-tok' && l.accessToken === SMTP_TOKEN));
    const view = JSON.stringify(await stateOf(server, 'tok'));
    assert.ok(!view.includes(IMAP_TOKEN) && !view.includes(SMTP_TOKEN) && !view.includes('accessToken'), view);
  });

  test('a refused token → authenticationError; a new one via PUT is used at the next login', async () => {
    const fresh = `fresh-${randomBytes(4).toString('hex')}`;
    await api(server.url, 'POST', '/v1/account', { account: 'tok-bad', name: 'x', imap: { ...plainImap(), auth: { user: 'tok-bad-user', accessToken: 'expired-token' } } });
    await reaches(server, 'tok-bad', 'authenticationError');
    assert.match((await stateOf(server, 'tok-bad')).lastError.message, /auth/i);
    tokenUsers.set(fresh, 'tok-bad-user');
    assert.equal((await api(server.url, 'PUT', '/v1/account/tok-bad', { imap: { auth: { accessToken: fresh } } })).status, 200);
    await reaches(server, 'tok-bad', 'connected', 5000);
  });
});

test('after all of it: no password or token in any file of the data dir, nor in the log', async () => {
  await server.stop();
  const files = async (dir: string): Promise<string[]> => (await Promise.all((await readdir(dir, { withFileTypes: true }))
    .map((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])))).flat();
  const all = await files(server.dataDir);
  assert.ok(all.length > 0);
  for (const file of all) {
    const bytes = await readFile(file);
    for (const secret of SECRETS) assert.equal(bytes.indexOf(secret), -1, `${secret} found in ${file}`);
  }
  for (const secret of SECRETS) assert.ok(!server.output().includes(secret), `${secret} in the log`);
});
