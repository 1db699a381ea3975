// The authorization-code flow of an OAuth2 app, driven over HTTP with redirects against a real
// authorization server (oidc-provider), Dovecot checking every XOAUTH2 login at it, and an SMTP
// server doing the same: a sign-in ends in a connected account that sends; every way it can go
// wrong (tampered or expired state, denied consent, wrong client secret, provider down, another
// user) says why and registers nothing; no token or client secret ends up on disk or in the log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dovecot } from './helpers/dovecot.js';
import type { OAuthServer } from './helpers/oauth-server.js';
import { registerApp, startOAuthWorld, type OAuthWorld } from './helpers/oauth-world.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually } from './helpers/api.js';
import { freePort } from './helpers/free-port.js';
import { appendMessages } from './helpers/seed.js';
import { PlantedSecrets, secretsAtRest } from './helpers/secret-scan.js';
import type { SmtpSink } from './helpers/smtp.js';

/** How long a started sign-in stays valid on this server (short, so one test can outlive it). */
const FLOW_TTL = 4000;
let world: OAuthWorld;
let oauth: OAuthServer;
let dovecot: Dovecot;
let smtp: SmtpSink;
let server: RunningServer;
let appId: string;
let callback: string;
const planted = new PlantedSecrets();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  const port = await freePort();
  callback = `http://127.0.0.1:${port}/oauth/callback`;
  world = await startOAuthWorld({ client: { redirectUris: [callback] } });
  ({ oauth, dovecot, smtp } = world);
  planted.add('flow-client-secret', oauth.client.secret);
  server = await startServer({ port, args: ['--oauth-flow-ttl', String(FLOW_TTL)] });
  appId = await registerApp(server.url, world, {
    userinfoUrl: oauth.userinfoUrl, revocationUrl: oauth.revocationUrl,
    imap: { host: dovecot.host, port: dovecot.port, secure: false }, smtp: { host: smtp.host, port: smtp.port, secure: false },
  });
});
after(async () => {
  await server?.stop();
  await world?.close();
  if (server) await removeDir(server.dataDir);
});

const view = async (account: string) => api(server.url, 'GET', `/v1/account/${encodeURIComponent(account)}`);
const query = (location: string) => Object.fromEntries(new URL(location, server.url).searchParams);

/** A browser's cookies for our server: what /oauth/start sets, sent back to /oauth/callback. */
class Browser {
  readonly cookies = new Map<string, string>();
  /** GET without following the redirect: the status and where it points. */
  async hop(url: string, method = 'GET'): Promise<{ status: number; location: string; body: string; headers: Headers }> {
    const headers: Record<string, string> = this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
    const res = await fetch(new URL(url, server.url), { method, redirect: 'manual', headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location') ?? '', body: await res.text(), headers: res.headers };
  }
}

/** Start a sign-in in `browser`: the sign-in link, opened; the provider URL it goes on to. */
async function start(account: string, extra: Record<string, string> = {}, app = appId, browser = new Browser()): Promise<string> {
  const q = new URLSearchParams({ account, redirect: '/done', ...extra });
  const res = await browser.hop(`/v1/oauth2/${app}/authorize?${q}`);
  assert.equal(res.status, 302, res.body);
  assert.ok(res.location.startsWith(`${server.url}/oauth/start?state=`), res.location);
  const link = await browser.hop(res.location);
  assert.equal(link.status, 302, link.body);
  assert.ok(link.location.startsWith(oauth.authorizationUrl), link.location);
  return link.location;
}
/** The whole flow as `user`: where our callback finally sends the browser. */
async function signIn(account: string, user: string, extra: Record<string, string> = {}, app = appId, browser = new Browser()): Promise<Record<string, string>> {
  const back = await oauth.authorize(await start(account, extra, app, browser), user);
  assert.ok(back.startsWith(callback), back);
  const res = await browser.hop(back);
  assert.equal(res.status, 302, res.body);
  assert.ok(res.location.startsWith('/done?'), res.location);
  assert.equal(browser.cookies.size, 0, 'the sign-in cookie is cleared at the end');
  return query(res.location);
}

describe('a sign-in with the app', () => {
  let user: string;

  test('the sign-in link marks the browser (HttpOnly, SameSite=Lax cookie) and goes to the provider with a sealed state, PKCE S256 and the scopes; nothing is registered yet', async () => {
    const browser = new Browser();
    const url = new URL(await start('flow-peek', { name: 'Peek' }, appId, browser));
    assert.equal(browser.cookies.size, 1);
    const p = url.searchParams;
    assert.equal(p.get('client_id'), oauth.client.id);
    assert.equal(p.get('redirect_uri'), callback);
    assert.equal(p.get('response_type'), 'code');
    assert.equal(p.get('code_challenge_method'), 'S256');
    assert.match(p.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(p.get('scope')?.split(' '), ['openid', 'email']);
    const state = p.get('state') ?? '';
    assert.ok(state.length > 40 && !state.includes('Peek') && !state.includes('/done'), 'the state is sealed, not readable');
    assert.equal((await view('flow-peek')).status, 404);
  });

  test('ends in a connected account that lists and sends; the hosts come from the app, the user from userinfo', async () => {
    user = `${dovecot.user('flow')}@example.org`;
    await appendMessages({ host: dovecot.host, port: dovecot.port, user, pass: dovecot.password }, 'INBOX', 3);
    const outcome = await signIn('flow1', user, { name: 'Flow One' });
    assert.deepEqual(outcome, { account: 'flow1', result: 'new', user });
    await eventually(async () => (await view('flow1')).body.state === 'connected', 15_000, 'flow1 connected');
    const v = (await view('flow1')).body;
    assert.deepEqual(v.oauth2, { app: appId, user });
    assert.equal(v.name, 'Flow One');
    assert.equal(v.email, user);
    assert.deepEqual({ host: v.imap.host, port: v.imap.port }, { host: dovecot.host, port: dovecot.port });
    const list = await api(server.url, 'GET', '/v1/account/flow1/messages?path=INBOX');
    assert.equal(list.body.messages.length, 3);
    const sent = await api(server.url, 'POST', '/v1/account/flow1/submit', { to: [{ address: 'bob@example.org' }], subject: 'signed in', text: 'hi' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    await smtp.waitFor((d) => d.some((m) => m.parsed.messageId === sent.body.messageId), 15_000, 'delivered');
    assert.ok(smtp.logins.some((l) => l.username === user && l.method === 'XOAUTH2'));
  });

  test('GET /oauth-token: a current access token the provider says is active for that user', async () => {
    const res = await api(server.url, 'GET', '/v1/account/flow1/oauth-token');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.body.user, user);
    assert.equal(res.body.app, appId);
    assert.equal(res.body.provider, 'generic');
    assert.ok(Date.parse(res.body.expires) > Date.now());
    const info = await oauth.introspect(res.body.accessToken);
    assert.equal(info.active, true);
    assert.equal(info.sub, user);
  });

  test('signing in again as the same user gives the account its new grant; another user is refused and changes nothing', async () => {
    assert.deepEqual(await signIn('flow1', user), { account: 'flow1', result: 'existing', user });
    const other = `${dovecot.user('intruder')}@example.org`;
    const refused = await signIn('flow1', other);
    assert.equal(refused.error, 'UserMismatch', JSON.stringify(refused));
    assert.match(refused.message ?? '', new RegExp(other.replace(/[.]/g, '\\.')));
    assert.ok(!(refused.message ?? '').includes(user), 'the account\'s own address went into the redirect');
    // the intruder's grant was of no use: revoked at the provider, the owner's kept
    await eventually(async () => oauth.grantsOf(other) === 0, 5000, 'the unused grant revoked');
    assert.ok(oauth.grantsOf(user) > 0);
    const v = (await view('flow1')).body;
    assert.deepEqual(v.oauth2, { app: appId, user });
    await eventually(async () => (await view('flow1')).body.state === 'connected', 15_000, 'still connected');
  });
});

describe('a sign-in that goes wrong registers nothing and says why', () => {
  const stateOf = (providerUrl: string) => new URL(providerUrl).searchParams.get('state') ?? '';
  const nothing = async (account: string) => assert.equal((await view(account)).status, 404, `${account} was registered`);
  /** A sign-in up to the provider's redirect back: the browser and the callback URL. */
  const upToCallback = async (account: string, user: string) => {
    const browser = new Browser();
    return { browser, back: await oauth.authorize(await start(account, {}, appId, browser), user) };
  };
  const mailbox = (name: string) => `${dovecot.user(name)}@example.org`;

  test('a state changed on the way is a 400 naming it, with no redirect, at the link and at the callback', async () => {
    const state = stateOf(await start('flow-tamper'));
    const flipped = state.slice(0, -6) + (state.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
    for (const bad of [flipped, `${Buffer.from('flow1').toString('base64url')}.${state.split('.')[1]}`, 'nonsense']) {
      for (const path of ['/oauth/callback', '/oauth/start']) {
        const res = await new Browser().hop(`${path}?state=${encodeURIComponent(bad)}${path === '/oauth/callback' ? '&code=whatever' : ''}`);
        assert.equal(res.status, 400, `${path}: ${res.body}`);
        assert.equal(res.location, '');
        assert.equal(JSON.parse(res.body).details[0].field, 'state', res.body);
      }
    }
    await nothing('flow-tamper');
  });

  test('the callback in another browser (a leaked or forwarded URL): BrowserMismatch; replayed after success: StateUsed', async () => {
    const user = mailbox('bound');
    const { browser, back } = await upToCallback('flow-bound', user);
    const elsewhere = await new Browser().hop(back);
    assert.equal(query(elsewhere.location).error, 'BrowserMismatch', elsewhere.location);
    await nothing('flow-bound');
    const cookies = new Map(browser.cookies);
    assert.equal(query((await browser.hop(back)).location).result, 'new');
    // the same browser (its cookie kept) replays the callback URL
    const replay = new Browser();
    for (const [k, v] of cookies) replay.cookies.set(k, v);
    assert.equal(query((await replay.hop(back)).location).error, 'StateUsed');
    assert.equal((await api(server.url, 'DELETE', '/v1/account/flow-bound')).status, 200);
  });

  test('the sign-in link opened a second time (another browser, or again): LinkUsed, sent back with nothing set', async () => {
    const link = (await api(server.url, 'POST', `/v1/oauth2/${appId}/authorize`, { account: 'flow-link', redirect: '/done' })).body.url;
    const first = new Browser();
    assert.ok((await first.hop(link)).location.startsWith(oauth.authorizationUrl));
    for (const again of [new Browser(), first]) {
      const res = await again.hop(link);
      assert.equal(query(res.location).error, 'LinkUsed', res.location);
    }
    await nothing('flow-link');
  });

  test('two callbacks of one sign-in at once: one registers, the other is StateUsed', async () => {
    const user = mailbox('twice');
    const { browser, back } = await upToCallback('flow-twice', user);
    const outcomes = (await Promise.all([browser.hop(back), browser.hop(back)])).map((r) => query(r.location));
    assert.deepEqual(outcomes.map((q) => q.result ?? q.error).sort(), ['StateUsed', 'new'], JSON.stringify(outcomes));
    assert.deepEqual((await view('flow-twice')).body.oauth2, { app: appId, user });
    assert.equal((await api(server.url, 'DELETE', '/v1/account/flow-twice')).status, 200);
  });

  test('an account registered with a password while the user was at the provider: AccountConflict, the password account kept', async () => {
    const { browser, back } = await upToCallback('flow-race', mailbox('race'));
    const pwUser = dovecot.user('race-pw');
    const pw = await api(server.url, 'POST', '/v1/account', { account: 'flow-race', imap: { host: dovecot.host, port: dovecot.port, secure: false, auth: { user: pwUser, pass: dovecot.password } } });
    assert.equal(pw.status, 200);
    assert.equal(query((await browser.hop(back)).location).error, 'AccountConflict');
    const v = (await view('flow-race')).body;
    assert.equal(v.imap.auth.user, pwUser);
    assert.equal(v.oauth2, undefined);
  });

  test('HEAD of the link or the callback never acts (405, Allow: GET); parameters a provider adds are fine', async () => {
    const { browser, back } = await upToCallback('flow-head', mailbox('head'));
    for (const url of [back, `/oauth/start?state=x`]) {
      const head = await browser.hop(url, 'HEAD');
      assert.equal(head.status, 405);
      assert.equal(head.headers.get('allow'), 'GET');
    }
    await nothing('flow-head');
    const res = await browser.hop(`${back}&iss=${encodeURIComponent(oauth.issuer)}&session_state=x&authuser=0`);
    assert.equal(query(res.location).result, 'new', res.location);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal((await api(server.url, 'DELETE', '/v1/account/flow-head')).status, 200);
  });

  test('a sign-in that outlives the flow TTL ends in StateExpired, at the callback and at the link', async () => {
    const { browser, back } = await upToCallback('flow-late', mailbox('late'));
    const link = (await api(server.url, 'POST', `/v1/oauth2/${appId}/authorize`, { account: 'flow-late', redirect: '/done' })).body.url;
    await sleep(FLOW_TTL + 500);
    assert.equal(query((await browser.hop(back)).location).error, 'StateExpired');
    assert.equal(query((await new Browser().hop(link)).location).error, 'StateExpired');
    await nothing('flow-late');
  });

  test('consent denied at the provider: its error and description come back (as plain text)', async () => {
    const browser = new Browser();
    const state = stateOf(await start('flow-denied', {}, appId, browser));
    const res = await browser.hop(`/oauth/callback?state=${encodeURIComponent(state)}&error=access_denied&error_description=${encodeURIComponent('The user\r\nsaid no')}`);
    const q = query(res.location);
    assert.equal(q.error, 'access_denied');
    assert.match(q.message ?? '', /The user said no/);
    await nothing('flow-denied');
  });

  test('a wrong client secret: TokenRejected in the token endpoint\'s words (invalid_client)', async () => {
    const bad = await api(server.url, 'POST', '/v1/oauth2', {
      name: 'Wrong secret', provider: 'generic', clientId: oauth.client.id, clientSecret: planted.make('wrong-client-secret'),
      authorizationUrl: oauth.authorizationUrl, tokenUrl: oauth.tokenUrl, userinfoUrl: oauth.userinfoUrl, redirectUrl: callback,
      imap: { host: dovecot.host, port: dovecot.port, secure: false },
    });
    assert.equal(bad.status, 200);
    const q = await signIn('flow-secret', mailbox('secret'), {}, bad.body.id);
    assert.equal(q.error, 'TokenRejected', JSON.stringify(q));
    assert.match(q.message ?? '', /invalid_client/);
    await nothing('flow-secret');
  });

  test('the provider down at the callback: TokenUnavailable; nothing half done', async () => {
    const { browser, back } = await upToCallback('flow-down', mailbox('down'));
    await oauth.stop();
    try {
      const q = query((await browser.hop(back)).location);
      assert.equal(q.error, 'TokenUnavailable', JSON.stringify(q));
      assert.match(q.message ?? '', /cannot be reached|no answer/);
    } finally {
      await oauth.start();
    }
    await nothing('flow-down');
  });

  test('bad starts: unknown app 404, an account with a password 409, a script URL or a path that leaves the server 400', async () => {
    const b = new Browser();
    assert.equal((await b.hop('/v1/oauth2/nope/authorize?account=x')).status, 404);
    const pw = await api(server.url, 'POST', '/v1/account', {
      account: 'flow-pw', imap: { host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user('pw'), pass: dovecot.password } },
    });
    assert.equal(pw.status, 200);
    const conflict = await b.hop(`/v1/oauth2/${appId}/authorize?account=flow-pw`);
    assert.equal(conflict.status, 409, conflict.body);
    const token = await api(server.url, 'GET', '/v1/account/flow-pw/oauth-token');
    assert.equal(token.status, 409, JSON.stringify(token.body));
    for (const redirect of ['javascript:alert(1)', '//evil.example/x', '/.//evil.example', '/a/..//evil.example', '/\\evil.example']) {
      const res = await b.hop(`/v1/oauth2/${appId}/authorize?account=x&redirect=${encodeURIComponent(redirect)}`);
      assert.equal(res.status, 400, `${redirect}: ${res.body}`);
      assert.equal(JSON.parse(res.body).details[0].field, 'redirect');
    }
    const url = await api(server.url, 'POST', `/v1/oauth2/${appId}/authorize`, { account: 'flow-json', redirect: 'https://crm.example/back' });
    assert.equal(url.status, 200, JSON.stringify(url.body));
    assert.equal(url.headers.get('cache-control'), 'no-store');
    assert.ok(url.body.url.startsWith(`${server.url}/oauth/start?state=`), url.body.url);
    assert.ok(Date.parse(url.body.expires) > Date.now());
  });
});

test('after all of it: no access token, refresh token or client secret in the data dir or the log', async () => {
  await server.stop();
  // the server got tokens only from the provider: every one it issued counts
  assert.ok(oauth.issued.length >= 6, `${oauth.issued.length} tokens issued`);
  assert.deepEqual(await secretsAtRest([...oauth.issued, ...planted.values], server.dataDir, server.output()), []);
  // the operator sees each sign-in and why one failed
  const lines = server.output().split('\n').filter((l) => l.includes('OAuth2 sign-in'));
  assert.ok(lines.some((l) => l.includes('"account":"flow1"') && l.includes('"result":"new"')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('"error":"UserMismatch"')), lines.join('\n'));
});
