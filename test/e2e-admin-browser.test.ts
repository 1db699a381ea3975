// The admin page and the docs page in a real browser (Debian chromium, headless, through
// playwright-core) against the built server, the test Dovecot and a webhook receiver: what a
// new user does first, with no console error and no request to another host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, eventually } from './helpers/api.js';
import { openBrowser, type BrowserSession } from './helpers/browser.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { buildMessage, imapClient, seedSpec } from './helpers/seed.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';

// a step that hangs (a browser waiting on a server a failed step left down) fails in time
// instead of holding the whole suite
const STEP = { timeout: 90_000 };
let dovecot: Dovecot;
let receiver: Receiver;
let server: RunningServer;
let b: BrowserSession;
const account = 'admin-ui-1';
let user = '';

before(async () => {
  [dovecot, receiver] = await Promise.all([startDovecot(), startReceiver()]);
  user = dovecot.user('admin');
  // a short retention window, so an event the receiver refuses is parked within seconds
  server = await startServer({ shards: 2, args: ['--event-retention', '3000'] });
  b = await openBrowser();
  await b.page.goto(`${server.url}/`);
  await b.page.locator('#stream-status.stream-live').waitFor({ timeout: 10_000 });
}, { timeout: 60_000 });
after(async () => {
  await b?.close();
  await server?.stop();
  if (server) await removeDir(server.dataDir);
  await Promise.all([dovecot?.close(), receiver?.close()]);
});

const row = () => b.page.locator(`#account-list tr[data-account="${account}"]`);
// names from the server are text on the page, never markup: this one would run if it were
const HOSTILE = 'Admin <img src=x onerror="globalThis.pwned=1"> UI';
const pwned = () => b.page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned);

test('the page shows the server version and uptime and links the docs', STEP, async (t) => {
  const { page } = b;
  assert.equal(await page.title(), 'IMAP API');
  const stats = (await api(server.url, 'GET', '/v1/stats')).body;
  await page.locator('#server-version', { hasText: `v${stats.version}` }).waitFor();
  assert.match(await page.locator('#server-uptime').innerText(), /^up \d+ (s|min)/);
  assert.equal(await page.locator('header a[href="/docs"]').count(), 1);
  t.diagnostic(`screenshots: ${b.shots}`);
  await b.screenshot('start');
});

test('Settings: set the webhook URL, save, and the API returns it; a test webhook shows the receiver answer', STEP, async () => {
  const { page } = b;
  await page.click('#tabs a[data-tab=settings]');
  const form = page.locator('#webhook-settings');
  await form.locator('input[name=webhooks]').fill(receiver.url);
  await form.locator('input[name=webhooksEnabled]').check();
  await form.locator('button[type=submit]').click();
  await page.locator('#settings-status.ok', { hasText: 'Saved' }).waitFor();
  const settings = (await api(server.url, 'GET', '/v1/settings')).body;
  assert.equal(settings.webhooks, receiver.url);
  assert.equal(settings.webhooksEnabled, true);

  receiver.respond = () => 202;
  await form.locator('button[name=test]').click();
  const result = page.locator('#webhook-test-result.ok', { hasText: 'HTTP 202' });
  await result.waitFor();
  assert.match(await result.innerText(), /Receiver: HTTP 202 in \d+ ms/);
  assert.ok(receiver.requests.some((r) => JSON.parse(r.body.toString()).event === 'test'), 'the receiver got the test event');
  receiver.respond = () => 200;
  await b.screenshot('settings');
});

test('Settings: events the receiver refused are listed as dead letters and replayed from the page', STEP, async () => {
  const { page } = b;
  receiver.respond = (req) => (req.json?.account === 'admin-ui-parked' ? 500 : 200);
  // an account on a closed port: accountAdded and connectError, both refused, then parked
  const nowhere = { account: 'admin-ui-parked', imap: { host: '127.0.0.1', port: 1, secure: false, auth: { user: 'u', pass: 'p' } } };
  assert.equal((await api(server.url, 'POST', '/v1/account', nowhere)).status, 200);
  await eventually(async () => (await api(server.url, 'GET', '/v1/webhooks/failed?account=admin-ui-parked')).body.total === 2, 15_000, 'two parked events');
  const list = page.locator('#dead-letters');
  await list.locator('button', { hasText: 'Refresh' }).click();
  await list.locator('tbody tr', { hasText: 'admin-ui-parked' }).nth(1).waitFor();
  assert.match(await list.innerText(), /HTTP 500/);
  await b.screenshot('dead-letters');

  receiver.respond = () => 200;
  await list.locator('button', { hasText: 'Replay all' }).click();
  await page.locator('#dead-letter-status.ok', { hasText: 'Replayed 2, still failing 0, remaining 0' }).waitFor();
  await list.locator('td.empty').waitFor();
  assert.deepEqual(receiver.accepted().filter((p) => p.account === 'admin-ui-parked').map((p) => p.event), ['accountAdded', 'connectError']);
  assert.equal((await api(server.url, 'DELETE', '/v1/account/admin-ui-parked')).status, 200);
});

test('Accounts: verify and add an account against Dovecot; it reaches connected without a reload or a poll', STEP, async () => {
  const { page } = b;
  await page.click('#tabs a[data-tab=accounts]');
  await page.evaluate(() => { (globalThis as unknown as { sameDocument: boolean }).sameDocument = true; });
  const form = page.locator('#add-account');
  await form.locator('input[name=account]').fill(account);
  await form.locator('input[name=name]').fill(HOSTILE);
  await form.locator('input[name=imapHost]').fill('127.0.0.1');
  await form.locator('input[name=imapPort]').fill(String(dovecot.port));
  await form.locator('input[name=imapSecure]').uncheck();
  await form.locator('input[name=imapUser]').fill(user);
  // a refused login is an error on the page, not a green "verified"
  await form.locator('input[name=imapPass]').fill('not-the-password');
  await form.locator('button[name=verify]').click();
  await form.locator('.verify-results li.error', { hasText: 'AUTHENTICATIONFAILED' }).waitFor();
  await page.locator('#account-form-status.error', { hasText: 'Login failed' }).waitFor();
  await form.locator('input[name=imapPass]').fill(dovecot.password);
  await form.locator('button[name=verify]').click();
  await form.locator('.verify-results li.ok', { hasText: 'IMAP: login works' }).waitFor();
  await page.locator('#account-form-status.ok', { hasText: 'Logins work' }).waitFor();

  await form.locator('button[type=submit]').click();
  await row().locator('[data-state=connected]').waitFor({ timeout: 15_000 });
  assert.equal(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument), true, 'no reload');
  assert.equal((await api(server.url, 'GET', `/v1/account/${account}`)).body.state, 'connected');
  await b.screenshot('account-connected');

  // idle: the page follows the stream, so nothing is asked of the API while nothing happens
  // (after the page's one refetch of the list that follows a state change has settled)
  await page.waitForTimeout(1000);
  const before = b.requests.length;
  await page.waitForTimeout(2500);
  assert.deepEqual(b.requests.slice(before), [], 'no request while idle');
});

test('Accounts: the folders of the account with their counts; names stay text', STEP, async () => {
  const { page } = b;
  assert.equal(await row().locator('td').nth(1).innerText(), HOSTILE, 'the name shows as typed');
  assert.equal(await row().locator('img').count(), 0);
  const client = await imapClient({ host: '127.0.0.1', port: dovecot.port, user, pass: dovecot.password });
  try {
    await client.mailboxCreate('<b onmouseover="globalThis.pwned=2">Bold (Maildir refuses a slash)');
  } finally {
    await client.logout();
  }
  await row().locator('button', { hasText: 'Folders' }).click();
  const inbox = page.locator('#folders tr[data-path=INBOX]');
  await inbox.waitFor();
  assert.match(await inbox.innerText(), /INBOX/);
  const odd = page.locator('#folders tr', { hasText: '<b onmouseover' });
  await odd.waitFor();
  assert.equal(await page.locator('#folders b').count(), 0, 'a folder name is never markup');
  await odd.hover();
  assert.equal(await pwned(), undefined);
});

test('Events: a message APPENDed by another IMAP client shows its messageNew, JSON on Enter; filters; pause holds new events', STEP, async () => {
  const { page } = b;
  const client = await imapClient({ host: '127.0.0.1', port: dovecot.port, user, pass: dovecot.password });
  const subject = `Admin page ${Date.now()}`;
  try {
    await client.append('INBOX', await buildMessage({ ...seedSpec(1), subject }));
  } finally {
    await client.logout();
  }
  await page.locator('#folders tr[data-path=INBOX] td.num').first().filter({ hasText: /^1$/ }).waitFor({ timeout: 10_000 });

  await page.click('#tabs a[data-tab=events]');
  const item = page.locator(`#event-list tr[data-event=messageNew]`).first();
  await item.waitFor({ timeout: 10_000 });
  // by keyboard: the rows are focusable and Enter opens one
  await item.focus();
  await page.keyboard.press('Enter');
  const json = JSON.parse(await page.locator('#event-json').innerText());
  assert.equal(json.event, 'messageNew');
  assert.equal(json.account, account);
  assert.equal(json.data.subject, subject);
  await b.screenshot('events');

  // filter by type hides it, by the account shows it again; pause holds new events
  await page.selectOption('#events select[name=event]', 'mailboxNew');
  assert.equal(await page.locator('#event-list tr[data-event=messageNew]').count(), 0);
  await page.selectOption('#events select[name=event]', '');
  const others = page.locator('#event-list tr', { hasText: 'admin-ui-parked' });
  assert.ok(await others.count() > 0, 'the other account\'s events are listed without a filter');
  await page.fill('#events input[name=account]', account);
  assert.equal(await others.count(), 0, 'the account filter hides them');
  const shown = await page.locator('#event-list tr[data-event=messageNew]').count();
  assert.ok(shown >= 1);

  // pause: a new message waits, counted; resume shows it
  await page.click('#events button[name=pause]');
  const again = await imapClient({ host: '127.0.0.1', port: dovecot.port, user, pass: dovecot.password });
  try {
    await again.append('INBOX', await buildMessage({ ...seedSpec(2), subject: 'while paused' }));
  } finally {
    await again.logout();
  }
  await page.locator('#events-info', { hasText: /paused: [1-9]\d* new events? waiting/ }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#event-list tr[data-event=messageNew]').count(), shown, 'nothing new while paused');
  await page.click('#events button[name=pause]');
  await page.locator('#event-list tr[data-event=messageNew]').nth(shown).waitFor();
  assert.equal(await pwned(), undefined);
});

test('Accounts: reconnect, disable, enable and delete (after a confirmation) from the list', STEP, async () => {
  const { page } = b;
  await page.click('#tabs a[data-tab=accounts]');
  // Reconnect: a new login, so the Connects counter goes up by one
  const connects = row().locator('td').nth(4);
  const before = Number(await connects.innerText());
  await row().locator('button', { hasText: 'Reconnect' }).click();
  await page.locator('#accounts-status.ok', { hasText: 'reconnected' }).waitFor();
  await row().locator('td').nth(4).filter({ hasText: new RegExp(`^${before + 1}$`) }).waitFor({ timeout: 10_000 });
  await row().locator('[data-state=connected]').waitFor({ timeout: 10_000 });

  await row().locator('button', { hasText: 'Disable' }).click();
  await row().locator('[data-state=disabled]').waitFor({ timeout: 10_000 });
  // the button follows the state frame at once, not only the list refetch after it
  assert.deepEqual(await row().locator('td.actions button').allInnerTexts(), ['Folders', 'Reconnect', 'Enable', 'Delete']);
  await row().locator('button', { hasText: 'Enable' }).click();
  await row().locator('[data-state=connected]').waitFor({ timeout: 15_000 });

  await row().locator('button', { hasText: 'Delete' }).click();
  await page.locator('#confirm button[value=cancel]').click();
  assert.equal((await api(server.url, 'GET', `/v1/account/${account}`)).status, 200, 'cancel keeps it');
  await row().locator('button', { hasText: 'Delete' }).click();
  await page.locator('#confirm button[value=ok]').click();
  await row().waitFor({ state: 'detached', timeout: 10_000 });
  await eventually(async () => (await api(server.url, 'GET', `/v1/account/${account}`)).status === 404, 5000, 'deleted');
});

test('Events: when the server restarts, the page reconnects with since and misses nothing', STEP, async () => {
  const { page } = b;
  await page.click('#tabs a[data-tab=events]');
  await page.fill('#events input[name=account]', '');
  // an account on a closed port announces connectError again at each start of the server
  const nowhere = { account: 'admin-ui-restart', imap: { host: '127.0.0.1', port: 1, secure: false, auth: { user: 'u', pass: 'p' } } };
  await api(server.url, 'POST', '/v1/account', nowhere);
  await page.locator('#event-list tr[data-event=connectError]', { hasText: 'admin-ui-restart' }).waitFor({ timeout: 10_000 });
  const last = Number((await api(server.url, 'GET', '/v1/events?limit=1')).body.head);
  await page.locator(`#event-list tr[data-id="${last}"]`).waitFor();

  // the page's next WebSocket is held until the server has logged the new connectError, so
  // the page can only get that event by resuming with since (a replay), never live
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  const routed: string[] = [];
  await page.routeWebSocket(/\/v1\/stream/, async (ws) => {
    routed.push(ws.url());
    await held;
    ws.connectToServer();
  });
  const errorsBefore = b.errors.length;
  const { port, dataDir } = server;
  await server.stop();
  await page.locator('#stream-status.stream-reconnecting').waitFor();
  server = await startServer({ shards: 2, port, dataDir, args: ['--event-retention', '3000'] });
  await eventually(async () => (await api(server.url, 'GET', `/v1/events?since=${last}&account=admin-ui-restart`)).body.events.some((e: { event: string }) => e.event === 'connectError'), 10_000, 'the new connectError logged');
  await eventually(async () => routed.length > 0, 40_000, 'the page reconnecting');
  release();
  await page.locator('#event-list tr[data-event=connectError]', { hasText: 'admin-ui-restart' }).nth(1).waitFor({ timeout: 10_000 });
  assert.match(routed[0]!, new RegExp(`[?&]since=${last}(&|$)`), 'resumed after the last event seen');

  const ids = await page.locator('#event-list tbody tr').evaluateAll((rows) => rows.map((r) => Number((r as unknown as { dataset: { id: string } }).dataset.id)));
  assert.deepEqual(ids, [...new Set(ids)].sort((x, y) => y - x), 'newest first, no duplicate');
  // while the server was down the browser reports each refused connection itself (the stream's
  // retries, and a row refetch that was under way); nothing else may have gone wrong
  const during = b.errors.splice(errorsBefore);
  for (const e of during) assert.match(e, /net::ERR_CONNECTION_REFUSED|WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/v1\/stream\?.*' failed/, e);
  await api(server.url, 'DELETE', '/v1/account/admin-ui-restart');
});

test('/docs: try-it-out runs a request against this server', STEP, async () => {
  const docs = await b.context.newPage();
  await docs.goto(`${server.url}/docs`);
  const op = docs.locator('#operations-System-getHealth');
  await op.locator('.opblock-summary').click();
  // try-it-out is on from the start (tryItOutEnabled): the Execute button is there at once
  await op.locator('button.execute').click();
  const status = op.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor({ timeout: 10_000 });
  assert.match(await status.innerText(), /^200/);
  assert.match(await op.locator('.live-responses-table .microlight').first().innerText(), /"status": "ok"/);
  await b.screenshot('docs-try-it-out', docs);
  await docs.close();
});

test('no console error and no request to a host other than 127.0.0.1', STEP, () => {
  assert.deepEqual(b.errors, []);
  assert.deepEqual(b.foreign, []);
  assert.ok(b.requests.length > 10, 'the pages were loaded');
});
