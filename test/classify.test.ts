// IMAP connect failures as the account shows them: TLS spoken to a plain port becomes a hint a
// user can act on, and a login the server has no mechanism for is an authentication problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tlsHint } from '../src/lib/tls-hint.js';
import { classifyCommandError, classifyConnectError } from '../src/imap/classify.js';

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

// Command refusals, shaped as imapflow throws them (responseStatus, responseText, serverResponseCode
// as Dovecot 2.3 sent them in test/e2e-refusals.test.ts)
const refused = (responseText: string, serverResponseCode?: string) =>
  Object.assign(new Error('Command failed'), { responseStatus: 'NO', responseText: `${responseText} (0.001 + 0.000 secs).`, ...(serverResponseCode ? { serverResponseCode } : {}) });

test('a name the server refuses is a 400 on the field it came from, with the server\'s words', () => {
  const err = classifyCommandError(refused("Invalid mailbox name: Name must not have '/' characters", 'CANNOT'), undefined, { path: 'a/b', field: 'path' });
  assert.equal(err.status, 400);
  assert.deepEqual(err.details, [{ field: 'path', reason: "is not a folder name this server accepts (the server said: Invalid mailbox name: Name must not have '/' characters)" }]);
  const inbox = classifyCommandError(refused("Renaming INBOX isn't supported", 'CANNOT'), 'INBOX', { path: 'Old', field: 'newPath' });
  assert.equal((inbox.details as { field: string }[])[0]!.field, 'path');
});

test('exists → 409, missing → 404, a bare NO to a name → 400, elsewhere → 502', () => {
  assert.equal(classifyCommandError(refused('Target mailbox already exists', 'ALREADYEXISTS'), 'Other', { path: 'Work', field: 'newPath' }).message, 'Folder "Work" already exists');
  assert.equal(classifyCommandError(refused("Mailbox doesn't exist: Nope", 'TRYCREATE'), 'Nope').code, 'MailboxNotFound');
  assert.equal(classifyCommandError(refused("Mailbox doesn't exist: Nope"), 'Nope').code, 'MailboxNotFound');
  assert.equal(classifyCommandError(refused('Not found'), undefined, { path: 'x'.repeat(300), field: 'path' }).status, 400);
  const server = classifyCommandError(refused('Internal error occurred. Refer to server log for more information.', 'SERVERBUG'), 'INBOX');
  assert.equal(server.status, 502);
  assert.equal(server.message, 'IMAP server: Internal error occurred. Refer to server log for more information.');
  assert.equal(classifyCommandError(refused('Permission denied', 'NOPERM'), 'Shared').status, 403);
});

test('what imapflow refuses to put on the wire is the request\'s fault; a lost connection is 503', () => {
  const unsendable = Object.assign(new Error('Unquotable character in IMAP string value'), { code: 'InvalidStringValue' });
  assert.equal(classifyCommandError(unsendable, 'INBOX').status, 400);
  assert.equal(classifyCommandError(Object.assign(new Error('Connection not available'), { code: 'NoConnection' })).status, 503);
});
