// An account whose IMAP server cannot be reached: connectError from the first failed attempt,
// with the reason and when the next try is due, staying there across retries (no flip back to
// connecting on every try), and API calls answered 503 at once with that state.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from './helpers/free-port.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';
import { openStream, type StreamClient } from './helpers/stream.js';

let server: RunningServer;
let stream: StreamClient;

before(async () => {
  server = await startServer();
});
after(async () => {
  stream?.close();
  await server?.stop();
  if (server) await removeDir(server.dataDir);
});

test('a refused connection: connectError at once, the next try announced, no flip to connecting on retries', async () => {
  stream = await openStream(server.url, 'states=true&account=down');
  // nothing listens on this port: every attempt is refused at once
  const port = await freePort();
  assert.equal((await api(server.url, 'POST', '/v1/account', exampleAccount('down', { host: '127.0.0.1', port, user: 'u', pass: 'p' }))).status, 200);
  await stream.waitForState((f) => f.account === 'down' && f.state === 'connectError', 5_000);
  const view = (await api(server.url, 'GET', '/v1/account/down')).body;
  assert.equal(view.state, 'connectError');
  assert.match(view.lastError.message, /refused|ECONNREFUSED/i);
  const next = Date.parse(view.nextTry);
  assert.ok(next > Date.now() - 100 && next < Date.now() + 2_000, `next try ${view.nextTry} within the first backoff`);
  // the first retries (about 1 s, then 2 s, later) fail alike: the account stays in connectError
  await eventually(async () => (await api(server.url, 'GET', '/v1/account/down')).body.counters.connectErrors >= 3, 10_000, 'three attempts');
  // (the stream's first snapshot of the account may repeat the state it just announced)
  const seen = stream.states.filter((f) => f.account === 'down').map((f) => f.state).filter((st, i, all) => st !== all[i - 1]);
  assert.deepEqual(seen, ['connecting', 'connectError'], `states seen: ${seen.join(' → ')}`);
});

test('an API call to the account answers 503 at once with its state and next try', async () => {
  const replies = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const res = await api(server.url, 'GET', '/v1/account/down/mailboxes');
    replies.push({ ms: performance.now() - t0, status: res.status, details: res.body.details });
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const r of replies) {
    assert.equal(r.status, 503);
    assert.ok(r.ms < 500, `answered in ${r.ms.toFixed(0)} ms`);
    assert.equal(r.details.state, 'connectError');
  }
  // between attempts (most of the time) the answer says when the next one is due
  assert.ok(replies.some((r) => typeof r.details.nextTry === 'string' && !Number.isNaN(Date.parse(r.details.nextTry))), JSON.stringify(replies));
});
