// The pure parts of the token check: the fixed-window limiter, which hosts count as loopback,
// scope implication, and how a route binds the account a limited token may reach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimit } from '../src/http/rate-limit.js';
import { isLoopback, postureProblem } from '../src/http/posture.js';
import { accountBinding, hasScope } from '../src/http/auth.js';
import { routes } from '../src/http/routes/index.js';
import { hashToken, makeToken } from '../src/store/tokens.js';

test('RateLimit: `limit` hits pass, the next is refused with the seconds left, a new window starts over', () => {
  const r = new RateLimit(3, 60_000);
  const t0 = 1_000_000;
  for (let i = 0; i < 3; i++) assert.equal(r.hit('a', t0), 0);
  assert.equal(r.blocked('a', t0 + 1000), 59);
  assert.equal(r.hit('a', t0 + 30_500), 30);
  assert.equal(r.blocked('b', t0), 0, 'keys are apart');
  assert.equal(r.blocked('a', t0 + 60_000), 0);
  assert.equal(r.hit('a', t0 + 60_000), 0);
});

test('loopback hosts, and the refusal elsewhere without a token names the command to run', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '128.0.0.1']) assert.ok(!isLoopback(h), h);
  assert.match(postureProblem('0.0.0.0', { insecure: false, tokens: false, dataDir: '/d' }) ?? '', /imapapi token create --scopes admin --data-dir \/d/);
  assert.equal(postureProblem('0.0.0.0', { insecure: true, tokens: false, dataDir: '/d' }), null);
  assert.equal(postureProblem('0.0.0.0', { insecure: false, tokens: true, dataDir: '/d' }), null);
});

test('admin implies every scope; other scopes imply nothing but themselves', () => {
  for (const s of ['api', 'send', 'stream', 'metrics', 'admin'] as const) assert.ok(hasScope(['admin'], s));
  assert.ok(!hasScope(['api'], 'send'));
  assert.ok(!hasScope(['send', 'stream'], 'api'));
  assert.ok(hasScope(['metrics'], 'any'));
});

test('every route declares a scope; account routes bind by path, all-account and server routes are global', () => {
  const by = (m: string, p: string) => accountBinding(routes.find((r) => r.method === m && r.path === p)!);
  for (const r of routes) assert.ok(['public', 'any', 'api', 'send', 'stream', 'metrics', 'admin'].includes(r.scope), `${r.method} ${r.path}`);
  assert.equal(by('get', '/v1/account/{account}/messages'), 'param');
  assert.equal(by('post', '/v1/account'), 'body');
  assert.equal(by('get', '/v1/events'), 'query');
  assert.equal(by('get', '/v1/accounts'), 'global');
  assert.equal(by('put', '/v1/settings'), 'global');
  assert.equal(by('get', '/v1/webhooks/failed'), 'global', 'admin routes without {account} are global');
  assert.equal(by('get', '/openapi.json'), 'none');
});

test('a token is 256 random bits in base64url; only its SHA-256 is in the record', () => {
  const { token, record } = makeToken({ description: 'd', scopes: ['api'] });
  assert.equal(Buffer.from(token, 'base64url').length, 32);
  assert.equal(record.hash, hashToken(token));
  assert.match(record.hash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(record).includes(token));
  assert.notEqual(makeToken({ description: 'd', scopes: ['api'] }).token, token);
});
