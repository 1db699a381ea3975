import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { checkTls, TlsError } from '../src/http/tls.js';
import { makeCerts } from './helpers/certs.js';

const certs = makeCerts();
after(() => rmSync(certs.dir, { recursive: true, force: true }));
const settings = (tlsCert?: string, tlsKey?: string, tlsPassphrase?: string) => ({ tlsCert, tlsKey, tlsPassphrase });

test('no TLS settings: plain HTTP', () => {
  assert.equal(checkTls(settings()), null);
  assert.throws(() => checkTls(settings(undefined, undefined, 'pw')), /--tls-passphrase was given without --tls-cert/);
});

test('a good pair, and an encrypted key with its passphrase', () => {
  assert.deepEqual(checkTls(settings(certs.cert, certs.key)), { certFile: certs.cert, keyFile: certs.key });
  assert.deepEqual(checkTls(settings(certs.cert, certs.encryptedKey, certs.passphrase)),
    { certFile: certs.cert, keyFile: certs.encryptedKey, passphrase: certs.passphrase });
});

test('an expired certificate is refused with its end date', () => {
  const later = new Date(Date.now() + 30 * 24 * 3600_000);
  assert.throws(() => checkTls(settings(certs.cert, certs.key), later), (err: Error) => err instanceof TlsError && /expired on .*20\d\d/.test(err.message));
});

test('the passphrase never appears in an error', () => {
  assert.throws(() => checkTls(settings(certs.cert, certs.otherKey, 'sekrit-pass')), (err: Error) => !err.message.includes('sekrit-pass'));
});
