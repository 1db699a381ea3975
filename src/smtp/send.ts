// One submission over SMTP (RFC 5321 / 6409) with nodemailer's SMTP connection: connect, log in,
// send, quit. Every outcome comes back as a value: accepted, refused for good (5xx), or worth
// another try (4xx, network), and whether the message may have arrived anyway (RFC 1047).
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { ServerSettings } from '../schemas/account.js';

export interface SmtpTarget {
  settings: ServerSettings;
  /** the opened password */
  pass: string;
}

export type SmtpOutcome =
  | { ok: true; response: string }
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

const step = (fn: (cb: (err?: SMTPConnection.SMTPError | null) => void) => void) => new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

/** Send `raw` to the envelope's recipients through the account's SMTP server. */
export async function sendMail(target: SmtpTarget, envelope: { from: string; to: string[] }, raw: Uint8Array, opts: SendOptions): Promise<SmtpOutcome> {
  const s = target.settings;
  const conn = new SMTPConnection({
    host: s.host, port: s.port, secure: s.secure ?? false, ...(s.tls ? { tls: { ...s.tls } } : {}),
    connectionTimeout: opts.timeoutMs, greetingTimeout: opts.timeoutMs, socketTimeout: opts.timeoutMs,
    ...(opts.name ? { name: opts.name } : {}), logger: false,
  });
  let handedOver = false;
  let failure: SMTPConnection.SMTPError | null = null;
  conn.on('error', (err) => { failure ??= err; });
  try {
    await step((cb) => conn.connect(cb));
    await step((cb) => conn.login({ user: s.auth.user, pass: target.pass }, cb));
    // the source ends once nodemailer took every byte; the final "." follows at once, so a
    // break after that is RFC 1047's window: the server may have accepted the message
    const source = Readable.from([Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)]);
    source.on('end', () => { handedOver = true; });
    const response = await new Promise<string>((resolve, reject) => conn.send(envelope, source, (err, info) => (err ? reject(err) : resolve(info.response))));
    conn.quit();
    return { ok: true, response };
  } catch (err) {
    conn.close();
    return failed((err as SMTPConnection.SMTPError) ?? failure, handedOver);
  }
}

function failed(err: SMTPConnection.SMTPError | null, handedOver: boolean): SmtpOutcome {
  const code = err?.responseCode;
  const said = err?.response ?? err?.message ?? 'SMTP failure';
  const network = !code || ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS'].includes(err?.code ?? '');
  const outcome: SmtpOutcome = {
    ok: false,
    permanent: code !== undefined && code >= 500 && code < 600,
    error: code ? said : `${err?.code ? `${err.code}: ` : ''}${err?.message ?? said}`,
    unconfirmed: handedOver && network && !code,
  };
  if (code) outcome.responseCode = code;
  return outcome;
}
