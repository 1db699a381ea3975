// A headless Debian chromium driven by playwright-core for the page tests: every console
// error, page error and request to a host other than 127.0.0.1 is recorded (the tests fail on
// them), and screenshots go to a temp folder named in the test output.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** console errors and uncaught page errors, in order */
  errors: string[];
  /** URLs of requests (and WebSockets) to any host but 127.0.0.1 */
  foreign: string[];
  /** every request URL the pages made, in order */
  requests: string[];
  /** every WebSocket URL the pages opened, in order */
  websockets: string[];
  shots: string;
  /** save a full-page screenshot as <shots>/<n>-<name>.png */
  screenshot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
}

const local = (url: string) => {
  if (url.startsWith('data:') || url.startsWith('about:') || url.startsWith('blob:')) return true;
  return new URL(url).hostname === '127.0.0.1';
};

function watch(session: BrowserSession, page: Page): void {
  page.on('console', (msg) => { if (msg.type() === 'error') session.errors.push(`console: ${msg.text()} (${page.url()})`); });
  page.on('pageerror', (err) => session.errors.push(`page error: ${err.message}`));
  // the console says "Failed to load resource" without the URL: name it beside the error
  page.on('response', (res) => { if (res.status() >= 400) session.errors.push(`HTTP ${res.status()} ${res.request().method()} ${res.url()}`); });
  page.on('request', (req) => {
    session.requests.push(req.url());
    if (!local(req.url())) session.foreign.push(req.url());
  });
  page.on('websocket', (ws) => {
    session.websockets.push(ws.url());
    if (!local(ws.url().replace(/^ws/, 'http'))) session.foreign.push(ws.url());
  });
}

export async function openBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const shots = await mkdtemp(join(tmpdir(), 'imapapi-screens-'));
  let n = 0;
  const session = { browser, context, errors: [], foreign: [], requests: [], websockets: [], shots } as unknown as BrowserSession;
  context.on('page', (p) => watch(session, p));
  session.page = await context.newPage();
  session.screenshot = async (name, page = session.page) => {
    const file = join(shots, `${String(++n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
  // a browser that hangs on close must not keep the test file from ending
  session.close = async () => { await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000).unref())]); };
  return session;
}
