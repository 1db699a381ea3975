// IMAP connect failures as the account shows them: TLS spoken to a plain port becomes a hint a
// user can act on, and a login the server has no mechanism for is an authentication problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tlsHint } from '../src/lib/tls-hint.js';
import { classifyConnectError } from '../src/imap/classify.js';

/** The real error Node gives for a TLS handshake against a plain-text greeting. */
async function handshakeError(): Promise<Error> {
  const server = net.createServer((s) => s.end('220 plain text here\r\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await new Promise<Error>((resolve) => {
      const sock = tls.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, rejectUnauthorized: false });
      sock.on('error', resolve);
    });
  } finally {
    server.close();
  }
}

test('a handshake against a plain port names the setting to check, with no dangling parentheses', async () => {
  const err = await handshakeError();
  const hint = tlsHint(err.message);
  assert.ok(hint, `no hint for: ${err.message}`);
  assert.match(hint, /^TLS handshake failed \((wrong version number|packet length too long)\): is "secure" right for this port\?/);
  assert.doesNotMatch(hint, /\(\)/);
  assert.equal(classifyConnectError(err).message, hint);
});

test('other errors pass through', () => {
  assert.equal(tlsHint('connect ECONNREFUSED 127.0.0.1:1'), null);
});

test('a token for a server without XOAUTH2 is an authentication error, not a network one', () => {
  const failure = classifyConnectError(new Error('Unsupported authentication mechanism'));
  assert.equal(failure.kind, 'auth');
  assert.match(failure.message, /does not take this kind of login/);
});
