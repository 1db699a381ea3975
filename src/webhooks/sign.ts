// Webhook signatures: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The
// timestamp is signed with the body so a captured request cannot be replayed much later.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-imapapi-signature';

const hmac = (secret: string, t: number, body: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

/** The x-imapapi-signature value for `body` sent at `t` (unix seconds). */
export function sign(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

export interface VerifyOptions {
  /** largest accepted age (or clock skew) of `t`, seconds; default 300 */
  toleranceSec?: number;
  /** current time, ms since epoch */
  now?: number;
}

/**
 * Whether `header` signs `body` (the exact bytes received) with `secret`, recently enough.
 * @example verify(secret, req.headers['x-imapapi-signature'], rawBody) // true | false
 */
export function verify(secret: string, header: string | undefined, body: string, opts: VerifyOptions = {}): boolean {
  if (!header) return false;
  const fields = new Map(header.split(',').map((part) => {
    const eq = part.indexOf('=');
    return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()] as const;
  }));
  const t = Number(fields.get('t'));
  if (!/^\d+$/.test(fields.get('t') ?? '') || !Number.isSafeInteger(t)) return false;
  const now = (opts.now ?? Date.now()) / 1000;
  if (Math.abs(now - t) > (opts.toleranceSec ?? 300)) return false;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  const got = Buffer.from(fields.get('v1') ?? '', 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
