// OpenSSL's words for TLS spoken to a plain-text port (or the reverse) say nothing a user can
// act on ("…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…"): this says
// what to check instead, for IMAP and SMTP alike; so does a silent server without `secure`.

const PLAIN_PORT = /wrong version number|packet length too long|unknown protocol|http request/i;

/** A message a user can act on, or null when `message` is not such a TLS failure. */
export function tlsHint(message: string): string | null {
  if (!PLAIN_PORT.test(message)) return null;
  const reason = /SSL routines:[^:]*:([^:]+)/i.exec(message)?.[1]?.trim() ?? PLAIN_PORT.exec(message)?.[0] ?? 'TLS error';
  return `TLS handshake failed (${reason}): is "secure" right for this port? (true for 993/465, false for 143/587 with STARTTLS)`;
}

/** Said when a server stays silent and `secure` is off: a port that speaks TLS from the start
 *  waits for the client's handshake, so silence is what a wrong setting looks like. */
export function silentHint(secure: boolean): string {
  return secure ? '' : ' (if this port speaks TLS from the start, like 993 or 465, set secure: true)';
}
