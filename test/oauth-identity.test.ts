// Who signed in: the address in the ID token (email, then preferred_username or upn), an ID
// token for another client or long expired refused, else the userinfo endpoint (a real HTTP
// server here) asked with the access token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signedInUser } from '../src/oauth/identity.js';

const now = Date.now();
/** An ID token as the token endpoint hands it out (expiring in an hour unless said otherwise). */
const jwt = (claims: Record<string, unknown>) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ exp: Math.floor(now / 1000) + 3600, ...claims })).toString('base64url')}.c2ln`;
const base = { accessToken: 'at-1', clientId: 'cid', timeoutMs: 2000, now };
let server: Server;
let url: string;
const seen: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push(String(req.headers.authorization));
    if (req.url === '/me') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: '123', email: 'ui@example.org' }));
    else if (req.url === '/nameless') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: '123' }));
    else res.writeHead(401).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('the ID token names the mailbox: email first, then an address in preferred_username or upn', async () => {
  assert.deepEqual(await signedInUser({ ...base, idToken: jwt({ aud: 'cid', email: 'a@example.org', preferred_username: 'b@example.org' }), userinfoUrl: undefined }), { ok: true, user: 'a@example.org' });
  assert.deepEqual(await signedInUser({ ...base, idToken: jwt({ aud: ['x', 'cid'], azp: 'cid', preferred_username: 'b@example.org' }), userinfoUrl: undefined }), { ok: true, user: 'b@example.org' });
  assert.deepEqual(await signedInUser({ ...base, idToken: jwt({ aud: 'cid', preferred_username: 'not an address', upn: 'c@example.org' }), userinfoUrl: undefined }), { ok: true, user: 'c@example.org' });
});

test('an unverified email does not name the mailbox; a provider may rank the claims (microsoft: preferred_username first)', async () => {
  const unverified = await signedInUser({ ...base, idToken: jwt({ aud: 'cid', email: 'spoof@victim.example', email_verified: false }), userinfoUrl: undefined });
  assert.equal(unverified.ok, false);
  const ranked = await signedInUser({ ...base, idToken: jwt({ aud: 'cid', email: 'typed@victim.example', preferred_username: 'me@tenant.example' }), userinfoUrl: undefined, claims: ['preferred_username', 'upn', 'email'] });
  assert.deepEqual(ranked, { ok: true, user: 'me@tenant.example' });
  const control = await signedInUser({ ...base, idToken: jwt({ aud: 'cid', email: 'a\u0001b@example.org' }), userinfoUrl: undefined });
  assert.equal(control.ok, false, 'a control character in the address');
});

test('an ID token without aud or exp, for another client, issued to another party, or expired, is refused', async () => {
  const noAud = await signedInUser({ ...base, idToken: jwt({ email: 'a@example.org' }), userinfoUrl: undefined });
  assert.deepEqual(noAud, { ok: false, reason: 'the ID token is for another client' });
  const noExp = await signedInUser({ ...base, idToken: jwt({ aud: 'cid', email: 'a@example.org', exp: undefined }), userinfoUrl: undefined });
  assert.deepEqual(noExp, { ok: false, reason: 'the ID token has no expiry' });
  const azp = await signedInUser({ ...base, idToken: jwt({ aud: ['cid', 'other'], azp: 'other', email: 'a@example.org' }), userinfoUrl: undefined });
  assert.equal(azp.ok, false);
  const other = await signedInUser({ ...base, idToken: jwt({ aud: 'someone-else', email: 'a@example.org' }), userinfoUrl: `${url}/me` });
  assert.deepEqual(other, { ok: false, reason: 'the ID token is for another client' });
  const old = await signedInUser({ ...base, idToken: jwt({ aud: 'cid', email: 'a@example.org', exp: Math.floor(now / 1000) - 3600 }), userinfoUrl: undefined });
  assert.equal(old.ok, false);
});

test('no address in the ID token: userinfo with the access token; without a userinfo URL, the reason', async () => {
  assert.deepEqual(await signedInUser({ ...base, idToken: jwt({ aud: 'cid', sub: '123' }), userinfoUrl: `${url}/me` }), { ok: true, user: 'ui@example.org' });
  assert.equal(seen.at(-1), 'Bearer at-1');
  assert.deepEqual(await signedInUser({ ...base, idToken: undefined, userinfoUrl: `${url}/me` }), { ok: true, user: 'ui@example.org' });
  const none = await signedInUser({ ...base, idToken: jwt({ aud: 'cid', sub: '123' }), userinfoUrl: undefined });
  assert.ok(!none.ok && /userinfoUrl/.test(none.reason));
  const nameless = await signedInUser({ ...base, idToken: undefined, userinfoUrl: `${url}/nameless` });
  assert.ok(!nameless.ok && /names no mailbox/.test(nameless.reason));
  const refused = await signedInUser({ ...base, idToken: undefined, userinfoUrl: `${url}/refuse` });
  assert.ok(!refused.ok && /HTTP 401/.test(refused.reason));
  const down = await signedInUser({ ...base, idToken: undefined, userinfoUrl: 'http://127.0.0.1:1/me' });
  assert.ok(!down.ok && /cannot be reached/.test(down.reason));
});
