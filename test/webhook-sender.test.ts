// The webhook sender against real HTTP receivers: credentials in the webhook URL arrive as
// Basic auth (undici alone drops them), statuses, timeouts and long answers come back as values.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Sender } from '../src/webhooks/sender.js';
import { withoutCredentials } from '../src/lib/url-credentials.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReceiver, type Receiver } from './helpers/receiver.js';

let receiver: Receiver;
let sender: Sender;

before(async () => {
  receiver = await startReceiver();
  sender = new Sender({ timeout: 5000, connections: 2 });
});
after(async () => {
  await sender.close();
  await receiver.close();
});

const envelope = { body: '{"id":"1"}', headers: { 'content-type': 'application/json' } };

test('a webhook URL with user and password sends them as Basic auth', async () => {
  const url = new URL(receiver.url);
  url.username = 'hook-user';
  url.password = 'p@ss:word/with%';
  const attempt = await sender.post(url.href, null, envelope);
  assert.equal(attempt.ok, true, attempt.error ?? '');
  const got = receiver.requests.at(-1)!;
  assert.equal(got.headers.authorization, `Basic ${Buffer.from('hook-user:p@ss:word/with%').toString('base64')}`);
  assert.equal(got.url, new URL(receiver.url).pathname);
  assert.equal(got.body.toString(), envelope.body);
});

test('a URL without credentials sends no Authorization header', async () => {
  await sender.post(receiver.url, null, envelope);
  assert.equal(receiver.requests.at(-1)!.headers.authorization, undefined);
  assert.deepEqual(withoutCredentials('https://example.com/a?b=1'), { url: 'https://example.com/a?b=1' });
});

/** A node:http server answering with `handler`; its URL and a close that cuts open sockets. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in?x=1`;
  return { url, server, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

test('statuses come back as they are; the path and query arrive unchanged', async () => {
  const seen: string[] = [];
  const codes = [204, 500, 302];
  const http = await serve((req, res) => { seen.push(req.url!); res.writeHead(codes[seen.length - 1]!).end(); });
  try {
    const got = [];
    for (let i = 0; i < 3; i++) got.push(await sender.post(http.url, null, envelope));
    assert.deepEqual(got.map((a) => [a.ok, a.status, a.error]), [[true, 204, null], [false, 500, 'HTTP 500'], [false, 302, 'HTTP 302']]);
    assert.deepEqual(seen, ['/in?x=1', '/in?x=1', '/in?x=1']);
  } finally { await http.close(); }
});

test('a receiver that never answers: a timeout at the time asked for, and a request queued for a socket times out too', async () => {
  const arrived: number[] = [];
  const http = await serve(() => { arrived.push(Date.now()); });
  const one = new Sender({ timeout: 5000, connections: 1 });
  try {
    const t0 = performance.now();
    // one socket: the second request waits behind the first, which hangs, and expires first
    const [first, second] = await Promise.all([one.post(http.url, null, envelope, 300), one.post(http.url, null, envelope, 150)]);
    const took = performance.now() - t0;
    assert.deepEqual([first.error, second.error], ['timeout after 300 ms', 'timeout after 150 ms']);
    assert.equal(first.status, null);
    assert.ok(second.durationMs >= 149 && second.durationMs < 295, `second after ${second.durationMs} ms`);
    assert.ok(took >= 299 && took < 1500, `both done after ${took} ms`);
    // the timed-out first request freed its socket; the second, expired while queued, never went out
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(arrived.length, 1);
    const after = await one.post(http.url, null, envelope, 200);
    assert.equal(after.error, 'timeout after 200 ms');
    assert.equal(arrived.length, 2);
  } finally {
    await one.close();
    await http.close();
  }
});

test('a long answer body: the status counts, the socket is not left half-read', async () => {
  const big = 'x'.repeat(1024 * 1024);
  let n = 0;
  const http = await serve((req, res) => { req.resume(); req.on('end', () => res.writeHead(++n === 1 ? 200 : 201).end(n === 1 ? big : 'small')); });
  try {
    const long = await sender.post(http.url, null, envelope);
    assert.deepEqual([long.ok, long.status, long.error], [true, 200, null]);
    const next = await sender.post(http.url, null, envelope);
    assert.deepEqual([next.ok, next.status], [true, 201]);
  } finally { await http.close(); }
});

test('nobody listening, or a URL that is not one: a network reason, no status, no throw', async () => {
  const http = await serve(() => {});
  const url = http.url;
  await http.close();
  const refused = await sender.post(url, null, envelope);
  assert.equal(refused.status, null);
  assert.match(refused.error!, /ECONNREFUSED/);
  const nonsense = await sender.post('not a url', null, envelope);
  assert.equal(nonsense.ok, false);
  assert.match(nonsense.error!, /Invalid URL/);
});

test('a 2xx whose answer body breaks off or stalls still delivers: the receiver took the event', async () => {
  let n = 0;
  const http = await serve((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('0123456789');
      // the first answer is cut off, the second just stops coming
      if (++n === 1) setTimeout(() => res.destroy(), 20);
    });
  });
  try {
    const cut = await sender.post(http.url, null, envelope);
    assert.deepEqual([cut.ok, cut.status, cut.error], [true, 200, null]);
    const stalled = await sender.post(http.url, null, envelope, 200);
    assert.deepEqual([stalled.ok, stalled.status, stalled.error], [true, 200, null]);
  } finally { await http.close(); }
});
