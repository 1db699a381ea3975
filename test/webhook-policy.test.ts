import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredEvent } from '../src/events/types.js';
import { envelopeOf, eventFilter, giveUpAt, retryDelay, testEnvelope, wanted } from '../src/webhooks/policy.js';

const event = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  id: 42, account: 'example', path: 'INBOX', event: 'messageNew', data: { uid: 9 }, date: '2024-01-01T00:00:00.000Z', ...over,
});
const target = (names: string[]) => ({ url: 'http://x', secret: null, events: eventFilter(names) });

test('the filter lets through the named events, or all with "*"', () => {
  assert.equal(eventFilter(['*']), null);
  assert.equal(eventFilter(['messageNew', '*']), null);
  assert.equal(wanted(target(['*']), 'accountAdded'), true);
  assert.equal(wanted(target(['messageNew', 'messageDeleted']), 'messageNew'), true);
  assert.equal(wanted(target(['messageNew']), 'accountAdded'), false);
});

test('the body is the consumer payload; headers carry id, event and account', () => {
  const env = envelopeOf(event());
  assert.deepEqual(JSON.parse(env.body), { id: '42', account: 'example', path: 'INBOX', event: 'messageNew', data: { uid: 9 }, date: '2024-01-01T00:00:00.000Z' });
  assert.equal(env.headers['content-type'], 'application/json');
  assert.equal(env.headers['x-imapapi-event-id'], '42');
  assert.equal(env.headers['x-imapapi-event'], 'messageNew');
  assert.equal(env.headers['x-imapapi-account'], 'example');
});

test('an account id that is not plain ASCII (or has a %) is percent-encoded in its header', () => {
  for (const account of ['Tõnu / support@example.com', '100%', 'a\tb']) {
    const header = envelopeOf(event({ account })).headers['x-imapapi-account']!;
    assert.match(header, /^[\x21-\x7e]+$/);
    assert.equal(decodeURIComponent(header), account);
  }
  assert.equal(envelopeOf(event({ account: 'user@example.com' })).headers['x-imapapi-account'], 'user@example.com');
});

test('the test request is event "test", id "0", about no account', () => {
  const env = testEnvelope(new Date('2024-05-05T00:00:00Z'));
  const body = JSON.parse(env.body);
  assert.equal(body.event, 'test');
  assert.equal(body.id, '0');
  assert.equal(body.account, null);
  assert.equal(env.headers['x-imapapi-account'], undefined);
  assert.equal(env.headers['x-imapapi-event'], 'test');
});

test('retries stop at the end of the retention window and never wait past it', () => {
  const e = event({ date: '2024-01-01T00:00:00.000Z' });
  const giveUp = giveUpAt(e, 60_000);
  assert.equal(giveUp, Date.parse('2024-01-01T00:01:00.000Z'));
  assert.equal(retryDelay(8000, giveUp - 30_000, giveUp), 8000);
  assert.equal(retryDelay(300_000, giveUp - 30_000, giveUp), 30_000, 'capped by the window');
  assert.equal(retryDelay(1000, giveUp + 5, giveUp), 0);
});
