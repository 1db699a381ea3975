// The sealed state of an authorization request: it opens only as sealed by the same key, for
// the account its clear prefix names, until it expires; PKCE challenges follow RFC 7636.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../src/store/crypto.js';
import { challengeOf, cookieName, hasCookie, newNonce, newVerifier, openState, sealState, stateAccount, type FlowState } from '../src/oauth/auth-state.js';

const box = new SecretBox(randomBytes(32));
const state: FlowState = { app: 'app1', account: 'acct ü/1', name: 'N', redirect: '/done', verifier: newVerifier(), nonce: newNonce(), expires: Date.now() + 60_000 };

test('a sealed state opens to what was sealed, and its account routes it', () => {
  const s = sealState(box, state);
  assert.match(s, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'URL-safe');
  assert.ok(!s.includes(state.verifier) && !s.includes('/done'), 'nothing readable but the account');
  assert.equal(stateAccount(s), 'acct ü/1');
  assert.deepEqual(openState(box, s), { ok: true, state });
});

test('a changed byte, another key, or a prefix naming another account: invalid', () => {
  const s = sealState(box, state);
  const i = s.length - 10;
  const flipped = s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  assert.deepEqual(openState(box, flipped), { ok: false, reason: 'invalid' });
  assert.deepEqual(openState(new SecretBox(randomBytes(32)), s), { ok: false, reason: 'invalid' });
  const moved = `${Buffer.from('other').toString('base64url')}${s.slice(s.indexOf('.'))}`;
  assert.equal(stateAccount(moved), 'other');
  assert.deepEqual(openState(box, moved), { ok: false, reason: 'invalid' });
  for (const junk of ['', '.', 'abc', 'a.b']) assert.equal(openState(box, junk).ok, false, junk);
  assert.equal(stateAccount('.abc'), null);
});

test('past its expiry the state says expired, and still says where to send the browser', () => {
  const s = sealState(box, state);
  const late = openState(box, s, state.expires + 1);
  assert.equal(late.ok, false);
  assert.ok(!late.ok && late.reason === 'expired' && late.state.redirect === '/done');
});

test('PKCE: a 43-character verifier, and the RFC 7636 appendix B example challenge', () => {
  assert.match(newVerifier(), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newVerifier(), newVerifier());
  assert.equal(challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('a value sealed with the same key that is not a state (a stored password) is no state', () => {
  const s = sealState(box, state);
  const password = box.seal(JSON.stringify({ ...state })).slice('$gcm1$'.length);
  assert.deepEqual(openState(box, `${s.slice(0, s.indexOf('.'))}.${password}`), { ok: false, reason: 'invalid' });
});

test('the browser cookie of a sign-in: found by its exact name among others', () => {
  const nonce = newNonce();
  assert.match(cookieName(nonce), /^imapapi_oauth_[A-Za-z0-9_-]{22}$/);
  assert.equal(hasCookie(`a=1; ${cookieName(nonce)}=1; b=2`, nonce), true);
  assert.equal(hasCookie(`${cookieName(nonce)}x=1`, nonce), false);
  assert.equal(hasCookie('', nonce), false);
});
