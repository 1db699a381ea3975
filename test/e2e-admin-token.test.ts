// The admin and docs pages on a server that needs API tokens, in a real browser: the page asks
// for the token before its first call, keeps it in this tab's session storage only, follows the
// stream with it, and hands it to the docs page, where try-it-out sends it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './helpers/api.js';
import { openBrowser, type BrowserSession } from './helpers/browser.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';

const STEP = { timeout: 90_000 };
let server: RunningServer;
let b: BrowserSession;
let token = '';

before(async () => {
  server = await startServer({ shards: 1 });
  const made = await api(server.url, 'POST', '/v1/token', { description: 'admin page test', scopes: ['admin'] });
  assert.equal(made.status, 200);
  token = made.body.token;
  b = await openBrowser();
}, { timeout: 60_000 });
after(async () => {
  await b?.close();
  await server?.stop();
  if (server) await removeDir(server.dataDir);
});

test('the page asks for the token first, then works with it: list, stream, version', STEP, async () => {
  const { page } = b;
  await page.goto(`${server.url}/`);
  const dialog = page.locator('#token[open]');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /needs an API token/);
  assert.deepEqual(b.requests.filter((u) => u.includes('/v1/')), [], 'no API call before the token');
  await dialog.locator('input[name=token]').fill(token);
  await dialog.locator('button[value=ok]').click();
  await page.locator('#stream-status.stream-live').waitFor({ timeout: 10_000 });
  await page.locator('#account-list td.empty').waitFor();
  await page.locator('#server-version', { hasText: /^v\d/ }).waitFor();
  assert.equal(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('imapapi.token')), token);
  assert.equal(await page.evaluate(() => (globalThis as unknown as { localStorage: { length: number } }).localStorage.length), 0, 'nothing in local storage');
  assert.deepEqual(await b.context.cookies(), [], 'no cookie');
  await b.screenshot('token-accepted');
});

test('the docs link carries the token; try-it-out sends it', STEP, async () => {
  const href = await b.page.locator('header a[href^="/docs"]').getAttribute('href');
  assert.equal(href, `/docs?access_token=${encodeURIComponent(token)}`);
  const docs = await b.context.newPage();
  await docs.goto(`${server.url}${href}`);
  const op = docs.locator('#operations-Account-getV1Accounts');
  await op.locator('.opblock-summary').click();
  await op.locator('button.execute').click();
  const status = op.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor({ timeout: 10_000 });
  assert.match(await status.innerText(), /^200/, 'the request went with the token');
  await b.screenshot('docs-with-token', docs);
  await docs.close();
});

test('a wrong token is asked for again with the server\'s reason', STEP, async () => {
  const before = b.errors.length;
  const other = await b.context.newPage();
  await other.goto(`${server.url}/`);
  const dialog = other.locator('#token[open]');
  await dialog.waitFor();
  await dialog.locator('input[name=token]').fill('not-a-token');
  await dialog.locator('button[value=ok]').click();
  await other.locator('#token[open]', { hasText: /token/i }).waitFor({ timeout: 10_000 });
  await dialog.locator('input[name=token]').fill(token);
  await dialog.locator('button[value=ok]').click();
  await other.locator('#stream-status.stream-live').waitFor({ timeout: 10_000 });
  // the refused attempt is the only error the browser saw
  const refused = b.errors.splice(before);
  assert.ok(refused.length > 0 && refused.every((e) => /401/.test(e)), refused.join('\n'));
  await other.close();
});

test('no other console error and no request to a host other than 127.0.0.1', STEP, () => {
  assert.deepEqual(b.errors, []);
  assert.deepEqual(b.foreign, []);
});
