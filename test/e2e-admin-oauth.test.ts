// The admin page's "sign in with an OAuth2 app" in a real browser (headless chromium) against a
// real authorization server (oidc-provider) and a Dovecot that checks every XOAUTH2 login at it:
// the form sends the browser to the provider's login, the callback brings it back to the page,
// which says what happened (as text) and shows the account reaching connected from the stream.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, eventually } from './helpers/api.js';
import { openBrowser, type BrowserSession } from './helpers/browser.js';
import type { Dovecot } from './helpers/dovecot.js';
import { freePort } from './helpers/free-port.js';
import type { OAuthServer } from './helpers/oauth-server.js';
import { registerApp, startOAuthWorld, type OAuthWorld } from './helpers/oauth-world.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';

const STEP = { timeout: 90_000 };
let oauth: OAuthServer;
let dovecot: Dovecot;
let server: RunningServer;
let b: BrowserSession;
let appId = '';
let world: OAuthWorld;
let user = '';
const account = 'oauth-ui-1';

before(async () => {
  // the provider's client must list our callback, so our port is chosen before either starts
  const port = await freePort();
  world = await startOAuthWorld({ client: { redirectUris: [`http://127.0.0.1:${port}/oauth/callback`] } });
  ({ oauth, dovecot } = world);
  server = await startServer({ port });
  user = `${dovecot.user('browser')}@example.org`;
  b = await openBrowser();
}, { timeout: 60_000 });
after(async () => {
  await b?.close();
  await server?.stop();
  if (server) await removeDir(server.dataDir);
  await world?.close();
});

const row = () => b.page.locator(`#account-list tr[data-account="${account}"]`);
const view = async (id: string) => api(server.url, 'GET', `/v1/account/${encodeURIComponent(id)}`);
const note = () => b.page.locator('#accounts-status');
const pwned = () => b.page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned);

/** Fill the sign-in form and submit it; `user` given: log in at the provider's page as them. */
async function signIn(id: string, as?: string, extra: { name?: string; loginHint?: string } = {}): Promise<void> {
  const form = b.page.locator('#oauth-sign-in');
  await form.locator('input[name=account]').fill(id);
  await form.locator('input[name=name]').fill(extra.name ?? '');
  await form.locator('input[name=loginHint]').fill(extra.loginHint ?? '');
  await form.locator('button[type=submit]').click();
  if (as === undefined) return;
  await b.page.waitForURL(`${oauth.issuer}/interaction/**`);
  await b.page.locator('input[name=login]').fill(as);
  await b.page.locator('button[type=submit]').click();
  await b.page.waitForURL(`${server.url}/**`);
  await b.page.locator('#stream-status.stream-live').waitFor({ timeout: 10_000 });
}

test('without an OAuth2 app the page has no sign-in form, only the hint how to register one', STEP, async () => {
  await b.page.goto(`${server.url}/`);
  await b.page.locator('#oauth-hint', { hasText: 'POST /v1/oauth2' }).waitFor();
  assert.equal(await b.page.locator('#oauth-sign-in').count(), 0);
  assert.equal(await b.page.locator('#add-account').count(), 1, 'the password form is there as before');
});

test('with an app: sign in at the provider\'s page, back on the admin page it says so, and the account connects', STEP, async () => {
  appId = await registerApp(server.url, world, { userinfoUrl: oauth.userinfoUrl, imap: { host: dovecot.host, port: dovecot.port, secure: false } });
  await b.page.reload();
  const submit = b.page.locator('#oauth-sign-in button[type=submit]');
  assert.equal(await submit.innerText(), 'Sign in with Test provider');
  await b.screenshot('sign-in-form');

  await signIn(account, user, { name: 'Browser One', loginHint: user });
  const authorize = b.requests.find((u) => u.startsWith(`${oauth.authorizationUrl}?`));
  assert.ok(authorize, 'the browser went to the provider');
  assert.equal(new URL(authorize).searchParams.get('login_hint'), user, 'the address hint reached the provider');

  await b.page.locator('#accounts-status.ok', { hasText: `Account ${account} added as ${user}` }).waitFor();
  // the outcome left the address bar: a reload would not say it again
  assert.equal(b.page.url(), `${server.url}/#accounts`);
  assert.equal(await b.page.locator('#accounts').isVisible(), true, 'on the Accounts tab');
  await row().locator('[data-state=connected]').waitFor({ timeout: 15_000 });
  assert.equal(await row().locator('td').nth(1).innerText(), 'Browser One');
  const v = (await view(account)).body;
  assert.deepEqual(v.oauth2, { app: appId, user });
  assert.equal(v.state, 'connected');
  await b.screenshot('signed-in');

  await b.page.reload();
  await row().locator('[data-state=connected]').waitFor({ timeout: 10_000 });
  assert.equal(await note().innerText(), '', 'a reload shows no outcome');
});

test('bad input is answered next to the form and the page stays: a password account 409, a control character 400', STEP, async () => {
  const pw = await api(server.url, 'POST', '/v1/account', {
    account: 'oauth-ui-pw', imap: { host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user('pw'), pass: dovecot.password } },
  });
  assert.equal(pw.status, 200);
  const errorsBefore = b.errors.length;
  const status = b.page.locator('#oauth-status.error');
  await signIn('oauth-ui-pw');
  await status.filter({ hasText: /^409 Conflict: Account "oauth-ui-pw" exists and does not log in with OAuth2 app/ }).waitFor();
  await signIn('bad\tid');
  await status.filter({ hasText: /^400 .*\(account / }).waitFor();
  assert.equal(b.page.url(), `${server.url}/#accounts`, 'still on the admin page');
  assert.equal(await b.page.locator('#oauth-sign-in button[type=submit]').isEnabled(), true, 'the form can be used again');
  const ids = (await api(server.url, 'GET', '/v1/accounts')).body.accounts.map((a: { account: string }) => a.account);
  assert.deepEqual(ids.sort(), [account, 'oauth-ui-pw'], 'nothing registered');
  assert.equal((await view('oauth-ui-pw')).body.oauth2, undefined, 'the password account is untouched');
  // the browser reports the two refused requests itself; nothing else went wrong
  const during = b.errors.splice(errorsBefore);
  assert.ok(during.length >= 2, during.join('\n'));
  for (const e of during) assert.match(e, /\b(409|400)\b/, e);
});

test('signing the same account in as another user: the page shows UserMismatch in the server\'s words, the account stays', STEP, async () => {
  // the provider still knows the first user (its session cookie): another person signs in here
  await b.context.clearCookies();
  const other = `${dovecot.user('intruder')}@example.org`;
  await signIn(account, other);
  const shown = b.page.locator('#accounts-status.error', { hasText: `Sign-in for account ${account} failed: UserMismatch: ` });
  await shown.waitFor();
  assert.ok((await shown.innerText()).includes(other), await shown.innerText());
  assert.equal(b.page.url(), `${server.url}/#accounts`);
  const v = (await view(account)).body;
  assert.deepEqual(v.oauth2, { app: appId, user });
  await row().locator('[data-state=connected]').waitFor({ timeout: 10_000 });
  await b.screenshot('user-mismatch');
});

test('an outcome in the address is text, never markup, and shown only for a sign-in this tab started', STEP, async () => {
  const q = new URLSearchParams({ account: '<img src=x onerror="globalThis.pwned=1">', error: '<b>Bold</b>', message: '<img src=y onerror="globalThis.pwned=2">' });
  // a crafted link: no banner at all, and the outcome leaves the address
  await b.page.goto(`${server.url}/?${q}&keep=1#accounts`);
  await b.page.waitForFunction('location.search === "?keep=1"');
  assert.equal(await note().innerText(), '');
  // as if this tab had started that sign-in: shown, as text
  await b.page.evaluate(`sessionStorage.setItem('imapapi-oauth-pending', ${JSON.stringify(q.get('account'))})`);
  await b.page.goto(`${server.url}/?${q}&keep=1#accounts`);
  const shown = note();
  await shown.filter({ hasText: 'failed' }).waitFor();
  assert.equal(await shown.innerText(), `Sign-in for account ${q.get('account')} failed: ${q.get('error')}: ${q.get('message')}`);
  assert.equal(await b.page.locator('#accounts-status img, #accounts-status b').count(), 0);
  assert.equal(await pwned(), undefined);
  assert.equal(b.page.url(), `${server.url}/?keep=1#accounts`, 'only the outcome left the address');
});

test('no console error and no request to a host other than 127.0.0.1', STEP, async () => {
  assert.deepEqual(b.errors, []);
  assert.deepEqual(b.foreign, []);
  await eventually(async () => b.requests.some((u) => u.startsWith(`${oauth.issuer}/interaction/`)), 1000, 'the provider page was loaded');
});
