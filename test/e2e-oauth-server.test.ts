// A real authorization server (oidc-provider) decides every OAuth2 login: Dovecot's oauth2 passdb
// and the SMTP sink introspect each token at it. Then our caller-managed `accessToken` against
// it: connects, goes authenticationError once when the token expired, and a PUT brings it back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { Dovecot } from './helpers/dovecot.js';
import type { OAuthServer, Tokens } from './helpers/oauth-server.js';
import type { SmtpSink } from './helpers/smtp.js';
import { startOAuthWorld, type OAuthWorld } from './helpers/oauth-world.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually } from './helpers/api.js';
import { appendMessages } from './helpers/seed.js';
import { PlantedSecrets } from './helpers/secret-scan.js';

let oauth: OAuthServer;
let dovecot: Dovecot;
let smtp: SmtpSink;
let server: RunningServer;
// every token handed to our server is looked for in the suite's outputs (scripts/grep-secrets.mjs)
const planted = new PlantedSecrets();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let world: OAuthWorld;

before(async () => {
  world = await startOAuthWorld();
  ({ oauth, dovecot, smtp } = world);
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await world?.close();
  if (server) await removeDir(server.dataDir);
});

/** logs in to Dovecot over XOAUTH2 with imapflow; the server's words when refused */
async function imapLogin(user: string, accessToken: string): Promise<true | string> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, accessToken }, logger: false, connectionTimeout: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.logout();
    return true;
  } catch (err) {
    const e = err as { responseText?: string; message: string };
    return e.responseText ?? e.message;
  }
}

async function smtpLogin(user: string, accessToken: string): Promise<true | string> {
  const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true, auth: { type: 'OAuth2', user, accessToken } });
  try {
    await transport.verify();
    return true;
  } catch (err) {
    return (err as Error).message;
  } finally {
    transport.close();
  }
}

/** a grant whose access token lives `ttl` seconds */
async function grantFor(user: string, ttl = 3600): Promise<Tokens> {
  const was = oauth.accessTokenTtl;
  oauth.accessTokenTtl = ttl;
  try { return await oauth.grant(user); } finally { oauth.accessTokenTtl = was; }
}

const dovecotLogins = async (user: string) =>
  ((await readFile(join(dovecot.root, 'dovecot.log'), 'utf8')).match(new RegExp(`Login: user=<${user}>, method=(?:XOAUTH2|OAUTHBEARER)`, 'g')) ?? []).length;

describe('the authorization server decides Dovecot and SMTP logins', () => {
  test('a granted token logs in to IMAP and SMTP over XOAUTH2; garbage and another user\'s token are refused', async () => {
    const user = dovecot.user('granted');
    const t = await oauth.grant(user);
    assert.equal((await oauth.introspect(t.accessToken))['sub'], user);
    assert.equal(await imapLogin(user, t.accessToken), true);
    assert.equal(await smtpLogin(user, t.accessToken), true);
    assert.notEqual(await imapLogin(user, 'not-a-token'), true);
    assert.notEqual(await smtpLogin(user, 'not-a-token'), true);
    // the token is good, but it is someone else's
    assert.notEqual(await imapLogin(dovecot.user('other'), t.accessToken), true);
    assert.notEqual(await smtpLogin('someone-else', t.accessToken), true);
  });

  test('revoking the grant: its access token is refused at once, its refresh token gets invalid_grant', async () => {
    const user = dovecot.user('revoked');
    const t = await oauth.grant(user);
    assert.equal(await imapLogin(user, t.accessToken), true);
    assert.equal(oauth.revoke(user), 1);
    assert.match(String(await imapLogin(user, t.accessToken)), /AUTHENTICATIONFAILED|failed/i);
    assert.notEqual(await smtpLogin(user, t.accessToken), true);
    const refresh = await oauth.token({ grant_type: 'refresh_token', refresh_token: t.refreshToken });
    assert.equal(refresh.status, 400);
    assert.equal(refresh.body['error'], 'invalid_grant');
  });

  test('an access token that expired (TTL 2 s) is refused; the refreshed one logs in, the rotated-out refresh token is dead', async () => {
    const user = dovecot.user('expiring');
    const t = await grantFor(user, 2);
    assert.equal(t.expiresIn, 2);
    assert.equal(await imapLogin(user, t.accessToken), true);
    await sleep(2600);
    assert.notEqual(await imapLogin(user, t.accessToken), true);
    assert.notEqual(await smtpLogin(user, t.accessToken), true);
    const refreshed = await oauth.token({ grant_type: 'refresh_token', refresh_token: t.refreshToken });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.notEqual(refreshed.body['refresh_token'], t.refreshToken, 'rotated');
    assert.equal(await imapLogin(user, String(refreshed.body['access_token'])), true);
    assert.equal(await smtpLogin(user, String(refreshed.body['access_token'])), true);
    const reused = await oauth.token({ grant_type: 'refresh_token', refresh_token: t.refreshToken });
    assert.equal(reused.body['error'], 'invalid_grant');
  });
});

describe('caller-managed imap.auth.accessToken', () => {
  const stateOf = async (account: string) => (await api(server.url, 'GET', `/v1/account/${account}`)).body;
  const reaches = (account: string, state: string, ms = 15_000) =>
    eventually(async () => (await stateOf(account)).state === state, ms, `${account} → ${state}`);
  const authEvents = async (account: string) =>
    ((await api(server.url, 'GET', `/v1/events?account=${account}`)).body.events as { event: string; data: any }[]).filter((e) => e.event === 'authenticationError');
  const imap = (user: string, accessToken: string) => ({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, accessToken } });
  let user: string;
  let first: Tokens;

  test('an account with a fresh token connects and lists its messages', async () => {
    user = dovecot.user('caller');
    await appendMessages({ host: dovecot.host, port: dovecot.port, user, pass: dovecot.password }, 'INBOX', 2);
    first = await grantFor(user, 4);
    planted.add('oauth-server-first', first.accessToken);
    const res = await api(server.url, 'POST', '/v1/account', { account: 'caller', name: 'Caller', imap: imap(user, first.accessToken) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await reaches('caller', 'connected');
    const list = await api(server.url, 'GET', '/v1/account/caller/messages?path=INBOX');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.equal(list.body.messages.length, 2);
    assert.ok(!JSON.stringify(await stateOf('caller')).includes(first.accessToken));
  });

  test('the token expires and the connection drops: authenticationError with the server\'s words, one event', async () => {
    await eventually(async () => (await oauth.introspect(first.accessToken))['active'] === false, 10_000, 'token expired');
    // a working connection outlives its token; a new login is what the token is checked at
    assert.equal((await stateOf('caller')).state, 'connected');
    await dovecot.stop();
    await dovecot.start();
    await reaches('caller', 'authenticationError', 20_000);
    const view = await stateOf('caller');
    // Dovecot's answer: `NO [AUTHENTICATIONFAILED] Authentication failed.`
    assert.equal(view.lastError.code, 'AUTHENTICATIONFAILED', JSON.stringify(view.lastError));
    assert.match(view.lastError.message, /Authentication failed/i, JSON.stringify(view.lastError));
    // backoff retries, if any, must not repeat the event
    await sleep(3000);
    assert.equal((await stateOf('caller')).state, 'authenticationError');
    const events = await authEvents('caller');
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0]?.data.code, 'AUTHENTICATIONFAILED');
    assert.match(events[0]?.data.message, /Authentication failed/i);
  });

  test('PUT with a fresh token reconnects it; a later PUT while connected keeps the connection and is used at the next login', async () => {
    const fresh = await grantFor(user, 6);
    planted.add('oauth-server-fresh', fresh.accessToken);
    assert.equal((await api(server.url, 'PUT', '/v1/account/caller', { imap: { auth: { accessToken: fresh.accessToken } } })).status, 200);
    await reaches('caller', 'connected', 10_000);
    assert.equal((await api(server.url, 'GET', '/v1/account/caller/messages?path=INBOX')).body.messages.length, 2);

    const next = await grantFor(user);
    planted.add('oauth-server-next', next.accessToken);
    const loginsBefore = await dovecotLogins(user);
    assert.equal((await api(server.url, 'PUT', '/v1/account/caller', { imap: { auth: { accessToken: next.accessToken } } })).status, 200);
    await sleep(1500);
    assert.equal((await stateOf('caller')).state, 'connected');
    assert.equal(await dovecotLogins(user), loginsBefore, 'the PUT dropped the working connection');
    // the connection drops after `fresh` expired: the next login is with `next`
    await eventually(async () => (await oauth.introspect(fresh.accessToken))['active'] === false, 10_000, 'fresh token expired');
    await dovecot.stop();
    await dovecot.start();
    await eventually(async () => (await dovecotLogins(user)) > loginsBefore, 20_000, 'a new login');
    await reaches('caller', 'connected', 20_000);
    assert.equal((await authEvents('caller')).length, 1, 'no further authenticationError');
  });
});
