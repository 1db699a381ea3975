// The certificate and key for HTTPS/WSS, checked before uWS sees them: uWS reads the files
// itself and says only "App construction failed" for any fault, so each is found here and
// stops start-up naming the file and the reason.
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  passphrase?: string;
}

export class TlsError extends Error {}

export interface TlsSettings {
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  tlsPassphrase: string | undefined;
}

function read(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new TlsError(`TLS ${what} file "${file}" cannot be read: ${e.code ?? ''} ${e.message}`.replace(/ {2,}/g, ' '));
  }
}

/** null without TLS settings; the checked files otherwise; TlsError for any fault. */
export function checkTls(s: TlsSettings, now = new Date()): TlsFiles | null {
  if (!s.tlsCert && !s.tlsKey) {
    if (s.tlsPassphrase) throw new TlsError('--tls-passphrase was given without --tls-cert and --tls-key');
    return null;
  }
  if (!s.tlsCert || !s.tlsKey) {
    throw new TlsError(`--tls-cert and --tls-key go together: ${s.tlsCert ? '--tls-key' : '--tls-cert'} is missing`);
  }
  const cert = read(s.tlsCert, 'certificate');
  const key = read(s.tlsKey, 'key');
  if (!cert.includes('-----BEGIN CERTIFICATE-----')) throw new TlsError(`TLS certificate file "${s.tlsCert}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new TlsError(`TLS key file "${s.tlsKey}" holds no PEM private key (-----BEGIN … PRIVATE KEY-----)`);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new TlsError(`TLS certificate file "${s.tlsCert}" is not a valid certificate: ${(err as Error).message}`);
  }
  if (new Date(x509.validTo) < now) throw new TlsError(`TLS certificate file "${s.tlsCert}" expired on ${x509.validTo}`);
  try {
    createSecureContext({ cert, key, ...(s.tlsPassphrase ? { passphrase: s.tlsPassphrase } : {}) });
  } catch (err) {
    throw new TlsError(`TLS key file "${s.tlsKey}" cannot be used with certificate "${s.tlsCert}": ${reason(err as Error)}`);
  }
  return { certFile: s.tlsCert, keyFile: s.tlsKey, ...(s.tlsPassphrase ? { passphrase: s.tlsPassphrase } : {}) };
}

/** OpenSSL's words, made readable: a wrong passphrase and a key of another certificate. */
function reason(err: Error): string {
  if (/bad decrypt|bad password|passphrase/i.test(err.message)) return 'wrong or missing passphrase (--tls-passphrase)';
  if (/key values mismatch/i.test(err.message)) return 'the key does not belong to the certificate';
  return err.message;
}
