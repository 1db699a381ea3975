// Accounts on an OAuth2 app against a real authorization server (oidc-provider) and a real
// Dovecot that introspects every XOAUTH2 login: only a refresh token is given; the server
// refreshes before expiry, keeps the rotated token across a restart, and reports a revoked grant once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dovecot } from './helpers/dovecot.js';
import type { OAuthServer, Tokens } from './helpers/oauth-server.js';
import { registerApp, startOAuthWorld, type OAuthWorld } from './helpers/oauth-world.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually } from './helpers/api.js';
import { appendMessages } from './helpers/seed.js';
import { PlantedSecrets, secretsAtRest } from './helpers/secret-scan.js';
import type { SmtpSink } from './helpers/smtp.js';

let world: OAuthWorld;
let oauth: OAuthServer;
let dovecot: Dovecot;
let server: RunningServer;
let appId: string;
let smtp: SmtpSink;
const planted = new PlantedSecrets();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  // the SMTP server checks every XOAUTH2 login at the same provider as Dovecot
  world = await startOAuthWorld({ accessTokenTtl: 3 });
  ({ oauth, dovecot, smtp } = world);
  server = await startServer();
  planted.add('accounts-client-secret', oauth.client.secret);
  appId = await registerApp(server.url, world);
});
after(async () => {
  await server?.stop();
  await world?.close();
  if (server) await removeDir(server.dataDir);
});

const view = async (account: string) => (await api(server.url, 'GET', `/v1/account/${account}`)).body;
const reaches = (account: string, state: string, ms = 15_000) =>
  eventually(async () => (await view(account)).state === state, ms, `${account} → ${state}`);
const eventsOf = async (account: string, name: string) =>
  ((await api(server.url, 'GET', `/v1/events?account=${account}`)).body.events as { event: string; data: any }[]).filter((e) => e.event === name);
const dovecotLog = () => readFile(join(dovecot.root, 'dovecot.log'), 'utf8');
const logins = async (user: string) => ((await dovecotLog()).match(new RegExp(`Login: user=<${user}>, method=(?:XOAUTH2|OAUTHBEARER)`, 'g')) ?? []).length;
const failedLogins = async (user: string) => (await dovecotLog()).split('\n').filter((l) => l.includes(user) && /auth failed|authentication failed|Disconnected.*auth/i.test(l)).length;
const refreshes = () => oauth.tokenRequests['refresh_token'] ?? 0;
const refreshErrors = () => oauth.tokenRequests['refresh_token:error'] ?? 0;

async function register(account: string, user: string, grant: Tokens) {
  planted.add(`${account}-refresh`, grant.refreshToken);
  return api(server.url, 'POST', '/v1/account', {
    account, name: account, imap: { host: dovecot.host, port: dovecot.port, secure: false },
    oauth2: { app: appId, user, refreshToken: grant.refreshToken },
  });
}

describe('an account with only a refresh token of an OAuth2 app', () => {
  let user: string;
  let grant: Tokens;

  test('connects over XOAUTH2 and lists INBOX; GET never shows the refresh token', async () => {
    user = dovecot.user('app-login');
    await appendMessages({ host: dovecot.host, port: dovecot.port, user, pass: dovecot.password }, 'INBOX', 2);
    grant = await oauth.grant(user);
    const before = refreshes();
    const res = await register('applogin', user, grant);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await reaches('applogin', 'connected');
    assert.ok(refreshes() > before, 'the refresh token was exchanged at the token endpoint');
    const list = await api(server.url, 'GET', '/v1/account/applogin/messages?path=INBOX');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.equal(list.body.messages.length, 2);
    const v = await view('applogin');
    assert.deepEqual(v.oauth2, { app: appId, user });
    assert.ok(!('auth' in v.imap), JSON.stringify(v.imap));
    const all = JSON.stringify([v, (await api(server.url, 'GET', '/v1/accounts')).body]);
    assert.ok(!all.includes(grant.refreshToken), 'refresh token in a GET answer');
  });

  test('after the 3 s access token expired, a reconnect logs in again with a refreshed token and no failed login', async () => {
    const loginsBefore = await logins(user);
    const failedBefore = await failedLogins(user);
    const refreshesBefore = refreshes();
    for (let round = 0; round < 2; round++) {
      await sleep(3500);
      const r = await api(server.url, 'PUT', '/v1/account/applogin/reconnect', { reconnect: true });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      await eventually(async () => (await logins(user)) >= loginsBefore + round + 1, 15_000, 'a new login')
        .catch(async (err) => { throw new Error(`${err}\n${(await dovecotLog()).split('\n').filter((l) => l.includes(user)).slice(-8).join("\n")}\n${JSON.stringify(await view("applogin"))} ${JSON.stringify(oauth.tokenRequests)}\n${server.output().split('\n').slice(-25).join('\n')}`); });
      await reaches('applogin', 'connected');
    }
    assert.ok(refreshes() >= refreshesBefore + 2, `refreshed ${refreshes() - refreshesBefore} times`);
    assert.equal(await failedLogins(user), failedBefore, 'a login failed');
    assert.equal(refreshErrors(), 0);
    const v = await view('applogin');
    assert.equal(v.counters.authErrors, 0, JSON.stringify(v.counters));
    assert.equal((await eventsOf('applogin', 'authenticationError')).length, 0);
  });

  test('the rotated refresh token is the one used after a server restart', async () => {
    const { dataDir, port } = server;
    await server.stop();
    // the access token the old process had has expired too: only a refresh can log in
    await sleep(3500);
    const refreshesBefore = refreshes();
    server = await startServer({ dataDir, port });
    await reaches('applogin', 'connected', 20_000);
    assert.ok(refreshes() > refreshesBefore, 'refreshed after the restart');
    // the grant's first refresh token was rotated out long ago: using it would be invalid_grant
    assert.equal(refreshErrors(), 0, 'a dead refresh token was used');
  });

  test('revoking the grant: authenticationError with the provider\'s reason, exactly one event, no login storm', async () => {
    assert.equal(oauth.revoke(user), 1);
    const r = await api(server.url, 'PUT', '/v1/account/applogin/reconnect', { reconnect: true });
    assert.equal(r.status, 200);
    await reaches('applogin', 'authenticationError', 20_000);
    const v = await view('applogin');
    assert.equal(v.lastError.code, 'InvalidGrant', JSON.stringify(v.lastError));
    assert.match(v.lastError.message, /invalid_grant|grant/i, JSON.stringify(v.lastError));
    const errorsAt = refreshErrors();
    const loginsAt = await logins(user);
    await sleep(4000);
    assert.equal((await view('applogin')).state, 'authenticationError');
    assert.equal(refreshErrors(), errorsAt, 'the dead grant was tried again');
    assert.equal(await logins(user), loginsAt);
    const events = await eventsOf('applogin', 'authenticationError');
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0]?.data.code, 'InvalidGrant');
    assert.match(events[0]?.data.message, /invalid_grant|grant/i);
  });

  test('a new refresh token (PUT oauth2.refreshToken) brings it back; still never returned', async () => {
    const fresh = await oauth.grant(user);
    planted.add('applogin-fresh-refresh', fresh.refreshToken);
    const r = await api(server.url, 'PUT', '/v1/account/applogin', { oauth2: { refreshToken: fresh.refreshToken } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await reaches('applogin', 'connected', 20_000);
    assert.ok(!JSON.stringify(await view('applogin')).includes(fresh.refreshToken));
  });
});

describe('a caller-managed access token from the provider (imap.auth.accessToken)', () => {
  test('logs in; expired: authenticationError saying the token was refused, one event; a PUT with a fresh one reconnects; a PUT while connected waits for the next login', async () => {
    const user = dovecot.user('caller-token');
    const expiring = await oauth.grant(user); // 3 s
    planted.add('caller-token-1', expiring.accessToken);
    const imap = { host: dovecot.host, port: dovecot.port, secure: false };
    const res = await api(server.url, 'POST', '/v1/account', { account: 'callertok', imap: { ...imap, auth: { user, accessToken: expiring.accessToken } } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await reaches('callertok', 'connected');
    await sleep(3500);
    assert.equal((await api(server.url, 'PUT', '/v1/account/callertok/reconnect', { reconnect: true })).status, 200);
    await reaches('callertok', 'authenticationError');
    const v = await view('callertok');
    assert.match(v.lastError.message, /refused the access token/, JSON.stringify(v.lastError));
    await sleep(1000);
    assert.equal((await eventsOf('callertok', 'authenticationError')).length, 1);

    oauth.accessTokenTtl = 60;
    try {
      const fresh = await oauth.grant(user);
      planted.add('caller-token-2', fresh.accessToken);
      assert.equal((await api(server.url, 'PUT', '/v1/account/callertok', { imap: { auth: { accessToken: fresh.accessToken } } })).status, 200);
      await reaches('callertok', 'connected');
      // a new token for a working connection: no new login now (IDLE goes on), used at the next one
      const next = await oauth.grant(user);
      planted.add('caller-token-3', next.accessToken);
      const loginsBefore = await logins(user);
      assert.equal((await api(server.url, 'PUT', '/v1/account/callertok', { imap: { auth: { accessToken: next.accessToken } } })).status, 200);
      await sleep(1000);
      assert.equal(await logins(user), loginsBefore, 'the PUT cut the connection');
      assert.equal((await view('callertok')).state, 'connected');
      oauth.revoke(fresh.grantId); // only the newest token can log in now
      assert.equal((await api(server.url, 'PUT', '/v1/account/callertok/reconnect', { reconnect: true })).status, 200);
      await eventually(async () => (await logins(user)) > loginsBefore, 15_000, 'a login with the newest token');
      await reaches('callertok', 'connected');
    } finally {
      oauth.accessTokenTtl = 3;
    }
  });
});

test('a refresh token of another user: the IMAP server refuses its tokens; authenticationError says the token was refused, one event', async () => {
  const owner = dovecot.user('token-owner');
  const grant = await oauth.grant(owner);
  planted.add('other-user-refresh', grant.refreshToken);
  const res = await register('wronguser', dovecot.user('token-victim'), grant);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await reaches('wronguser', 'authenticationError');
  const v = await view('wronguser');
  assert.match(v.lastError.message, /refused the access token/, JSON.stringify(v.lastError));
  await sleep(2000);
  assert.equal((await eventsOf('wronguser', 'authenticationError')).length, 1);
  assert.equal(await logins(owner), 0, 'a login as the token\'s real owner');
});

describe('bad input of an app login', () => {
  test('an unknown app or a missing refresh token is a 400 naming the field, nothing registered', async () => {
    const user = dovecot.user('bad-input');
    const imap = { host: dovecot.host, port: dovecot.port, secure: false };
    const unknown = await api(server.url, 'POST', '/v1/account', { account: 'badapp', imap, oauth2: { app: 'nope', user, refreshToken: 'x' } });
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.match(JSON.stringify(unknown.body), /oauth2\.app/);
    const partial = await api(server.url, 'POST', '/v1/account', { account: 'badapp', imap, oauth2: { app: appId, user } });
    assert.equal(partial.status, 400, JSON.stringify(partial.body));
    assert.match(JSON.stringify(partial.body), /oauth2\.refreshToken/);
    // this app names no IMAP server, so an account on it must
    const noImap = await api(server.url, 'POST', '/v1/account', { account: 'badapp', oauth2: { app: appId, user, refreshToken: 'x' } });
    assert.equal(noImap.status, 400, JSON.stringify(noImap.body));
    assert.equal(noImap.body.details[0].field, 'imap');
    const plain = await api(server.url, 'POST', '/v1/account', { account: 'badapp' });
    assert.equal(plain.status, 400, JSON.stringify(plain.body));
    assert.equal(plain.body.details[0].field, 'imap');
    assert.equal((await api(server.url, 'GET', '/v1/account/badapp')).status, 404);
  });

  test('an app that names its mail servers: an account on it without imap or smtp gets them', async () => {
    const withServers = await registerApp(server.url, world, {
      name: 'With servers', imap: { host: dovecot.host, port: dovecot.port, secure: false }, smtp: { host: smtp.host, port: smtp.port, secure: false },
    });
    const user = dovecot.user('app-servers');
    const grant = await oauth.grant(user);
    planted.add('servers-refresh', grant.refreshToken);
    const res = await api(server.url, 'POST', '/v1/account', { account: 'appservers', oauth2: { app: withServers, user, refreshToken: grant.refreshToken } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await reaches('appservers', 'connected');
    const v = await view('appservers');
    assert.deepEqual([v.imap.host, v.imap.port, v.smtp.host, v.smtp.port], [dovecot.host, dovecot.port, smtp.host, smtp.port]);
    assert.equal((await api(server.url, 'DELETE', '/v1/account/appservers')).status, 200);
  });
});

test('an app account sends through SMTP with the app\'s access token (XOAUTH2), across an expiry', async () => {
  const user = dovecot.user('app-send');
  const grant = await oauth.grant(user);
  planted.add('sender-refresh', grant.refreshToken);
  const res = await api(server.url, 'POST', '/v1/account', {
    account: 'appsend', name: 'appsend', email: `${user}@example.org`,
    imap: { host: dovecot.host, port: dovecot.port, secure: false },
    smtp: { host: smtp.host, port: smtp.port, secure: false },
    oauth2: { app: appId, user, refreshToken: grant.refreshToken },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await reaches('appsend', 'connected');
  for (const round of [1, 2]) {
    const sent = await api(server.url, 'POST', '/v1/account/appsend/submit', { to: [{ address: 'bob@example.org' }], subject: `app token ${round}`, text: 'x' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    await smtp.waitFor((d) => d.some((m) => m.parsed.messageId === sent.body.messageId), 15_000, `message ${round} delivered`);
    if (round === 1) await sleep(3500); // past the 3 s access token: the second send needs a refreshed one
  }
  const mine = smtp.logins.filter((l) => l.username === user);
  assert.ok(mine.length >= 2, `${mine.length} SMTP logins`);
  assert.ok(mine.every((l) => l.method === 'XOAUTH2' && l.accessToken), JSON.stringify(mine.map((l) => l.method)));
  assert.equal(new Set(mine.map((l) => l.accessToken)).size >= 2, true, 'the second send used a refreshed token');
});

test('after all of it: no refresh token (rotated ones too), access token or client secret in the data dir or the log', async () => {
  await server.stop();
  assert.ok(oauth.issued.length >= 10, `${oauth.issued.length} tokens issued`);
  assert.deepEqual(await secretsAtRest([...oauth.issued, oauth.client.secret, ...planted.values], server.dataDir, server.output()), []);
});
