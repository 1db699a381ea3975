import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { sign, verify } from '../src/webhooks/sign.js';

const SECRET = 'whsec-0123456789abcdef';
const BODY = '{"id":"7","account":"a","path":"INBOX","event":"messageNew","data":{"uid":1},"date":"2024-01-01T00:00:00.000Z"}';

test('the signature is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">', () => {
  const header = sign(SECRET, BODY, 1_700_000_000);
  const expected = createHmac('sha256', SECRET).update(`1700000000.${BODY}`).digest('hex');
  assert.equal(header, `t=1700000000,v1=${expected}`);
  assert.match(sign(SECRET, BODY), /^t=\d{10},v1=[0-9a-f]{64}$/);
});

test('verify accepts its own signature and rejects any change', () => {
  const now = 1_700_000_000_000;
  const header = sign(SECRET, BODY, now / 1000);
  assert.equal(verify(SECRET, header, BODY, { now }), true);
  assert.equal(verify(SECRET, header, BODY.replace('"uid":1', '"uid":2'), { now }), false, 'body changed');
  assert.equal(verify('another-secret-0123', header, BODY, { now }), false, 'other secret');
  assert.equal(verify(SECRET, header.replace('t=1700000000', 't=1700000001'), BODY, { now }), false, 'timestamp changed');
  assert.equal(verify(SECRET, header.slice(0, -2), BODY, { now }), false, 'truncated');
  for (const bad of [undefined, '', 'v1=abc', 't=x,v1=00', 't=1700000000']) assert.equal(verify(SECRET, bad, BODY, { now }), false, String(bad));
});

test('verify rejects old (replayed) and far-future timestamps', () => {
  const t = 1_700_000_000;
  const header = sign(SECRET, BODY, t);
  assert.equal(verify(SECRET, header, BODY, { now: (t + 299) * 1000 }), true);
  assert.equal(verify(SECRET, header, BODY, { now: (t + 301) * 1000 }), false);
  assert.equal(verify(SECRET, header, BODY, { now: (t - 301) * 1000 }), false);
  assert.equal(verify(SECRET, header, BODY, { now: (t + 3000) * 1000, toleranceSec: 3600 }), true);
});
