// OpenSSL's words for TLS spoken to a plain-text port (or the reverse) say nothing a user can
// act on ("…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…"): this says
// what to check instead, for IMAP and SMTP alike; so does the answer for a silent server.

const PLAIN_PORT = /wrong version number|packet length too long|unknown protocol|http request/i;

/** A message a user can act on, or null when `message` is not such a TLS failure. */
export function tlsHint(message: string): string | null {
  if (!PLAIN_PORT.test(message)) return null;
  const reason = /SSL routines:[^:]*:([^:]+)/i.exec(message)?.[1]?.trim() ?? PLAIN_PORT.exec(message)?.[0] ?? 'TLS error';
  return `TLS handshake failed (${reason}): is "secure" right for this port? (true for 993/465, false for 143/587 with STARTTLS)`;
}

/** What to say of a `what` server (IMAP, SMTP) that stayed silent for `ms`. With `secure` off
 *  that is also what a port speaking TLS from the start looks like (it waits for our handshake). */
export function silentServer(what: string, ms: number, secure: boolean): string {
  const hint = secure ? '' : ' (if this port speaks TLS from the start, like 993 or 465, set secure: true)';
  return `No answer from the ${what} server within ${Math.round(ms / 100) / 10} s${hint}`;
}
