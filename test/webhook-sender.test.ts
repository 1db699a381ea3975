// The webhook sender against a real HTTP receiver: credentials in the webhook URL arrive as
// Basic auth (undici alone drops them), and never travel in the request line.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Sender } from '../src/webhooks/sender.js';
import { withoutCredentials } from '../src/lib/url-credentials.js';
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
