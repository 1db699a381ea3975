// Pure account rules: which credentials a body needs, what is sealed and kept, partial updates,
// the defaults of notifyFrom / path / resyncDelay, reconnect decisions, and the auth server's answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyPatch, checkCredentials, needsReconnect, notifyFromOf, sweepInterval, toRecord, watchedPath } from '../src/actors/account-settings.js';
import { CredentialsError, credentialsFor, parseAuthAnswer } from '../src/actors/credentials.js';
import { askAuthServer } from '../src/actors/auth-server.js';
import { isAnnounced, searchSince } from '../src/sync/notify-from.js';
import { SecretBox, deriveKey } from '../src/store/crypto.js';
import { ApiError } from '../src/errors.js';
import type { AccountInput } from '../src/schemas/account.js';

const box = new SecretBox(deriveKey('a test secret of some length'));
const NOW = '2026-01-02T03:04:05.678Z';
const imap = { host: 'imap.example.com', port: 993, secure: true };
const input = (over: Partial<AccountInput> = {}): AccountInput => ({ account: 'a', imap: { ...imap, auth: { user: 'u', pass: 'verysecret' } }, ...over });

function fieldOf(fn: () => unknown): string {
  try { fn(); } catch (err) {
    assert.ok(err instanceof ApiError && err.code === 'ValidationError', String(err));
    return (err.details as { field: string }[])[0]!.field;
  }
  assert.fail('no 400');
}

test('a login needs pass or accessToken (not both) unless useAuthServer; the 400 names the field', () => {
  assert.equal(fieldOf(() => checkCredentials({ ...imap }, 'imap')), 'imap.auth');
  assert.equal(fieldOf(() => checkCredentials({ ...imap, auth: { user: 'u' } }, 'smtp')), 'smtp.auth.pass');
  assert.equal(fieldOf(() => checkCredentials({ ...imap, auth: { user: 'u', pass: 'p', accessToken: 't' } }, 'imap')), 'imap.auth.accessToken');
  checkCredentials({ ...imap, auth: { user: 'u', accessToken: 't' } }, 'imap');
  checkCredentials({ ...imap, useAuthServer: true }, 'imap');
  checkCredentials({ ...imap, useAuthServer: true, auth: { user: 'u' } }, 'imap');
});

test('passwords and tokens are sealed; with useAuthServer none is kept at all', () => {
  const r = toRecord(input({ smtp: { ...imap, auth: { user: 'u', accessToken: 'tok-123' } } }), box, undefined, NOW);
  assert.ok(!JSON.stringify(r).includes('verysecret') && !JSON.stringify(r).includes('tok-123'));
  assert.equal(box.open(r.imap.auth!.pass!), 'verysecret');
  assert.equal(box.open(r.smtp!.auth!.accessToken!), 'tok-123');
  const viaServer = toRecord(input({ imap: { ...imap, useAuthServer: true, auth: { user: 'u', pass: 'ignored-pass' } } }), box, undefined, NOW);
  assert.deepEqual(viaServer.imap.auth, { user: 'u' });
  assert.equal(toRecord(input({ smtp: false }), box, undefined, NOW).smtp, undefined, 'smtp: false = none');
});

test('a new pass replaces a stored token and the other way round; useAuthServer drops both', () => {
  const r = toRecord(input(), box, undefined, NOW);
  const token = applyPatch(r, { imap: { auth: { accessToken: 'tok' } } }, box, NOW);
  assert.equal(token.imap.auth!.pass, undefined);
  assert.equal(box.open(token.imap.auth!.accessToken!), 'tok');
  const back = applyPatch(token, { imap: { auth: { pass: 'p2' } } }, box, NOW);
  assert.equal(back.imap.auth!.accessToken, undefined);
  assert.equal(box.open(back.imap.auth!.pass!), 'p2');
  const server = applyPatch(back, { imap: { useAuthServer: true } }, box, NOW);
  assert.deepEqual(server.imap.auth, { user: 'u' });
  assert.equal(fieldOf(() => applyPatch(server, { imap: { useAuthServer: false } }, box, NOW)), 'imap.auth.pass');
});

test('notifyFrom defaults to when the account was added; path "*" and absent watch every folder', () => {
  const r = toRecord(input(), box, undefined, NOW);
  assert.equal(notifyFromOf(r), Date.parse(NOW));
  const set = applyPatch(r, { notifyFrom: '2021-07-08T07:06:34.336Z', path: 'INBOX' }, box, '2026-02-01T00:00:00.000Z');
  assert.equal(notifyFromOf(set), Date.parse('2021-07-08T07:06:34.336Z'));
  assert.equal(watchedPath(set), 'INBOX');
  const reset = applyPatch(set, { notifyFrom: null, path: null }, box, '2026-02-01T00:00:00.000Z');
  assert.equal(notifyFromOf(reset), Date.parse(NOW), 'back to the creation time, not the update time');
  assert.equal(watchedPath(reset), null);
  assert.equal(watchedPath(toRecord(input({ path: '*' }), box, undefined, NOW)), null);
});

test('resyncDelay (seconds) overrides the server-wide sweep interval; null removes it', () => {
  const r = toRecord(input({ imap: { ...imap, auth: { user: 'u', pass: 'p' }, resyncDelay: 2.5 } }), box, undefined, NOW);
  assert.equal(sweepInterval(r, 60_000), 2500);
  assert.equal(sweepInterval(applyPatch(r, { imap: { resyncDelay: null } }, box, NOW), 60_000), 60_000);
});

test('a new access token alone does not cut the connection; a new password, TLS or path does', () => {
  const r = toRecord(input({ imap: { ...imap, auth: { user: 'u', accessToken: 't1' } } }), box, undefined, NOW);
  assert.equal(needsReconnect(r, applyPatch(r, { imap: { auth: { accessToken: 't2' } } }, box, NOW), box), false);
  assert.equal(needsReconnect(r, applyPatch(r, { imap: { auth: { pass: 'p' } } }, box, NOW), box), true);
  assert.equal(needsReconnect(r, applyPatch(r, { imap: { tls: { minVersion: 'TLSv1.3' } } }, box, NOW), box), true);
  assert.equal(needsReconnect(r, applyPatch(r, { path: 'INBOX' }, box, NOW), box), true);
  assert.equal(needsReconnect(r, applyPatch(r, { notifyFrom: NOW, name: 'x' }, box, NOW), box), false);
});

test('the auth server answer: {user, pass} or {user, accessToken}, anything else is refused', () => {
  assert.deepEqual(parseAuthAnswer({ user: 'u', pass: 'p' }), { user: 'u', pass: 'p' });
  assert.deepEqual(parseAuthAnswer({ accessToken: 't' }, 'stored'), { user: 'stored', accessToken: 't' });
  for (const bad of [null, 'text', [1], {}, { user: 'u' }, { user: 'u', pass: '' }, { user: 'u', pass: 'p', accessToken: 't' }, { user: 7, pass: 'p' }]) {
    assert.equal(typeof parseAuthAnswer(bad), 'string', JSON.stringify(bad));
  }
});

test('messages from the second of notifyFrom on are announced; SEARCH SINCE starts a day before', () => {
  const from = Date.parse('2026-01-02T03:04:05.678Z');
  assert.equal(isAnnounced(new Date('2026-01-02T03:04:05.000Z'), from), true, 'internal dates have whole seconds');
  assert.equal(isAnnounced(new Date('2026-01-02T03:04:04.000Z'), from), false);
  assert.equal(isAnnounced(undefined, from), true);
  assert.ok(searchSince(from).getTime() <= from - 23 * 3600_000);
});

async function authServer(answer: (req: IncomingMessage) => { status: number; body: string } | null): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const a = answer(req);
    if (!a) return; // never answers
    res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/creds`, close: () => { server.closeAllConnections(); server.close(); } };
}

test('credentials from the auth server: query names account and proto; failures say why without the answer', async () => {
  const seen: string[] = [];
  const srv = await authServer((req) => {
    seen.push(req.url!);
    const account = new URL(req.url!, 'http://x').searchParams.get('account');
    if (account === 'ok') return { status: 200, body: '{"user":"alice","pass":"from-server-secret"}' };
    if (account === 'hang') return null;
    if (account === 'junk') return { status: 200, body: 'pass=from-server-secret' };
    if (account === 'basic') {
      const ok = req.headers.authorization === `Basic ${Buffer.from('api:s3cr@t').toString('base64')}`;
      return ok ? { status: 200, body: '{"user":"bob","pass":"p"}' } : { status: 401, body: '{}' };
    }
    return { status: 500, body: '{"pass":"from-server-secret"}' };
  });
  try {
    // a short timeout only where the server never answers: on a busy machine a real answer may take longer
    const src = (url: string | null, timeout = 5000) => ({ secrets: box, authServer: () => url, authServerTimeout: timeout });
    const settings = { ...imap, useAuthServer: true };
    assert.deepEqual(await credentialsFor(src(srv.url), 'ok', 'smtp', settings), { user: 'alice', pass: 'from-server-secret' });
    assert.deepEqual(seen, ['/creds?account=ok&proto=smtp']);
    for (const [account, why] of [['hang', /no answer within 300 ms/], ['junk', /not JSON/], ['fail', /HTTP 500/]] as const) {
      await assert.rejects(credentialsFor(src(srv.url, account === 'hang' ? 300 : 5000), account, 'imap', settings), (err: Error) => {
        assert.ok(err instanceof CredentialsError && err.code === 'AuthServerError');
        assert.match(err.message, why);
        assert.ok(!err.message.includes('from-server-secret'));
        return true;
      });
    }
    // credentials in the URL go as Basic auth (fetch refuses such a URL as it is)
    const withUser = srv.url.replace('http://', 'http://api:s3cr%40t@');
    assert.deepEqual(await credentialsFor(src(withUser), 'basic', 'imap', settings), { user: 'bob', pass: 'p' });
    await assert.rejects(credentialsFor(src(null), 'ok', 'imap', settings), /no authServer URL/);
    assert.deepEqual(await askAuthServer('not a url', { account: 'a', proto: 'imap' }, 100), { ok: false, reason: 'the authServer setting is not a URL' });
  } finally {
    srv.close();
  }
});
