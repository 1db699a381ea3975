// One submission over SMTP (RFC 5321 / 6409) with nodemailer's SMTP connection: connect, log in,
// send, quit. Every outcome comes back as a value: accepted, refused for good (5xx), or worth
// another try (4xx, network), and whether the message may have arrived anyway (RFC 1047).
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { tlsHint } from '../lib/tls-hint.js';
import XOAuth2 from 'nodemailer/lib/xoauth2/index.js';
import type { Credentials, ServerSettings } from '../schemas/account.js';

export interface SmtpTarget {
  settings: ServerSettings;
  /** the opened password or access token, for this session only */
  creds: Credentials;
}

/** A recipient the server refused while it took the message for the others. */
export interface Refused { recipient: string; error: string; responseCode?: number }

export type SmtpOutcome =
  | { ok: true; response: string; refused: Refused[] }
  | {
    ok: false;
    /** 5xx: trying again cannot help */
    permanent: boolean;
    error: string;
    responseCode?: number;
    /** the whole message went out and the connection broke before the server's answer */
    unconfirmed: boolean;
  };

export interface SendOptions {
  timeoutMs: number;
  /** client name in EHLO */
  name?: string;
}

/** Rejects with the connection's error: nodemailer reports a broken connection as an 'error'
 *  event (or just 'end') and never calls back the command that was waiting. */
function broken(conn: SMTPConnection): Promise<never> {
  return new Promise((_, reject) => {
    conn.once('error', reject);
    conn.once('end', () => reject(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' })));
  });
}

/** Send `raw` to the envelope's recipients through the account's SMTP server. */
export async function sendMail(target: SmtpTarget, envelope: { from: string; to: string[] }, raw: Uint8Array, opts: SendOptions): Promise<SmtpOutcome> {
  const s = target.settings;
  const conn = new SMTPConnection({
    host: s.host, port: s.port, secure: s.secure ?? false, ...(s.tls ? { tls: { ...s.tls } } : {}),
    connectionTimeout: opts.timeoutMs, greetingTimeout: opts.timeoutMs, socketTimeout: opts.timeoutMs,
    ...(opts.name ? { name: opts.name } : {}), logger: false,
  });
  let handedOver = false;
  const failure = broken(conn);
  failure.catch(() => undefined);
  const step = <T>(fn: (cb: (err: SMTPConnection.SMTPError | null | undefined, value?: T) => void) => void) =>
    Promise.race([failure, new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))))]);
  try {
    await step<void>((cb) => conn.connect((err) => cb(err)));
    await step<void>((cb) => conn.login(loginOf(target.creds), (err) => cb(err)));
    // the source ends once nodemailer took every byte; the final "." follows at once, so a
    // break after that is RFC 1047's window: the server may have accepted the message
    const source = Readable.from([Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)]);
    source.on('end', () => { handedOver = true; });
    const info = await step<SMTPConnection.SentMessageInfo>((cb) => conn.send(envelope, source, (err, value) => cb(err, value)));
    conn.quit();
    return { ok: true, response: info.response, refused: refusedOf(info) };
  } catch (err) {
    conn.close();
    return failed(err as SMTPConnection.SMTPError, handedOver);
  }
}

/** A password login, or XOAUTH2 with the given token (no refresh: a refused token is a setting to fix). */
export function loginOf(creds: Credentials): SMTPConnection.AuthenticationCredentials | SMTPConnection.AuthenticationOAuth2 {
  if ('pass' in creds) return { credentials: { user: creds.user, pass: creds.pass } };
  // the typings declare options here; nodemailer calls the instance's getToken()
  return { oauth2: new XOAuth2({ user: creds.user, accessToken: creds.accessToken }) as unknown as SMTPConnection.OAuth2 };
}

/** nodemailer fails a send only when every recipient is refused; the others come back here. */
function refusedOf(info: SMTPConnection.SentMessageInfo): Refused[] {
  const errors = info.rejectedErrors ?? [];
  return (info.rejected ?? []).map((recipient) => {
    const err = errors.find((e) => (e as { recipient?: string }).recipient === recipient);
    const r: Refused = { recipient, error: err?.response ?? err?.message ?? 'refused' };
    if (err?.responseCode) r.responseCode = err.responseCode;
    return r;
  });
}

function failed(err: SMTPConnection.SMTPError | null, handedOver: boolean): SmtpOutcome {
  const code = err?.responseCode;
  const said = err?.response ?? err?.message ?? 'SMTP failure';
  const network = !code || ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS'].includes(err?.code ?? '');
  const outcome: SmtpOutcome = {
    ok: false,
    // a refused login is a setting to fix (PUT the account), not a reason to drop the mail
    permanent: code !== undefined && code >= 500 && code < 600 && err?.code !== 'EAUTH',
    error: code ? said : tlsHint(err?.message ?? '') ?? `${err?.code ? `${err.code}: ` : ''}${err?.message ?? said}`,
    unconfirmed: handedOver && network && !code,
  };
  if (code) outcome.responseCode = code;
  return outcome;
}
