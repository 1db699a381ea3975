// Tries an SMTP login with settings that are not stored anywhere (POST /v1/verifyAccount):
// greeting, EHLO, STARTTLS when offered, AUTH, QUIT. No mail is sent.
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { Credentials, ServerSettings } from '../schemas/account.js';
import type { VerifyOutcome } from '../schemas/verify.js';
import { silentServer, tlsHint } from '../lib/tls-hint.js';
import { withoutSecret } from '../lib/without-secret.js';
import { loginOf } from './send.js';

/** nodemailer replaces a socket error's own code (ECONNREFUSED, ERR_SSL_…) by ESOCKET; the
 *  message still carries it, in the words Node and OpenSSL build it from. */
function codeOf(err: SMTPConnection.SMTPError | undefined): string | undefined {
  if (err?.code !== 'ESOCKET' && err?.code !== 'ECONNECTION') return err?.code;
  const message = err.message ?? '';
  const errno = /\b(E[A-Z]{3,})\b/.exec(message);
  if (errno) return errno[1];
  const ssl = /SSL routines:[^:]*:([a-z0-9 ]+)/i.exec(message);
  return ssl ? `ERR_SSL_${ssl[1]!.trim().toUpperCase().replace(/ /g, '_')}` : err.code;
}

function outcomeOf(err: SMTPConnection.SMTPError | undefined, secret: string): VerifyOutcome {
  const said = err?.response ?? tlsHint(err?.message ?? '') ?? err?.message ?? 'SMTP failure';
  const outcome: VerifyOutcome = { success: false, error: withoutSecret(said, secret) };
  const code = codeOf(err);
  if (code) outcome.code = code;
  return outcome;
}

/** Log in with `s` within `timeoutMs`; every outcome comes back as a value. */
export function verifySmtp(s: ServerSettings, creds: Credentials, opts: { timeoutMs: number; name?: string }): Promise<VerifyOutcome> {
  const secret = 'pass' in creds ? creds.pass : creds.accessToken;
  const conn = new SMTPConnection({
    host: s.host, port: s.port, secure: s.secure ?? false, ...(s.tls ? { tls: { ...s.tls } } : {}),
    connectionTimeout: opts.timeoutMs, greetingTimeout: opts.timeoutMs, socketTimeout: opts.timeoutMs,
    ...(opts.name ? { name: opts.name } : {}), logger: false,
  });
  return new Promise<VerifyOutcome>((resolve) => {
    let done = false;
    const finish = (outcome: VerifyOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (outcome.success) conn.quit();
      else conn.close();
      resolve(outcome);
    };
    // nodemailer reports a broken connection as an event and never calls the waiting command back
    const timer = setTimeout(() => finish({ success: false, code: 'ETIMEDOUT', error: silentServer('SMTP', opts.timeoutMs, s.secure === true) }), opts.timeoutMs);
    conn.once('error', (err: SMTPConnection.SMTPError) => finish(outcomeOf(err, secret)));
    conn.once('end', () => finish({ success: false, error: 'Connection closed unexpectedly', code: 'ECONNECTION' }));
    conn.connect(() => {
      conn.login(loginOf(creds), (err) => finish(err ? outcomeOf(err, secret) : { success: true }));
    });
  });
}
