// Self-signed certificates for the HTTPS tests, made by Debian's openssl in a temp dir: a
// plain key, the same key encrypted with a passphrase, and a second pair for mismatches.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certs {
  dir: string;
  cert: string;
  key: string;
  /** `key` encrypted with `passphrase` */
  encryptedKey: string;
  passphrase: string;
  /** a key of another certificate */
  otherKey: string;
  /** a file that is not PEM */
  junk: string;
  /** the certificate's PEM text, to trust as a CA */
  ca: string;
}

function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}-cert.pem`);
  const key = join(dir, `${name}-key.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { cert, key };
}

export function makeCerts(): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'imapapi-tls-'));
  const { cert, key } = selfSigned(dir, 'server');
  const other = selfSigned(dir, 'other');
  const passphrase = 'correct horse battery';
  const encryptedKey = join(dir, 'server-key-encrypted.pem');
  execFileSync('openssl', ['pkey', '-in', key, '-aes256', '-passout', `pass:${passphrase}`, '-out', encryptedKey], { stdio: 'ignore' });
  const junk = join(dir, 'junk.pem');
  writeFileSync(junk, 'this is not a certificate\n');
  return { dir, cert, key, encryptedKey, passphrase, otherKey: other.key, junk, ca: readFileSync(cert, 'utf8') };
}
