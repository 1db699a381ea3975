// Makes one line of IMAP traffic safe to keep: LOGIN passwords, AUTHENTICATE payloads and SASL
// answers hidden, known secrets scrubbed, literal contents replaced by their size, lines capped.

export type Direction = 'c' | 's';

export const HIDDEN = '(* value hidden *)';
/** longest line kept; what is cut is said as a byte count */
export const MAX_LINE = 1000;

// an IMAP astring as the client writes it: an atom or a quoted string with escapes (RFC 3501 §9)
const ASTRING = String.raw`(?:"(?:[^"\\]|\\.)*"|\S+)`;
const LOGIN = new RegExp(String.raw`^(\S+\s+LOGIN\s+${ASTRING})\s.*$`, 'is');
const AUTHENTICATE = /^(\S+\s+AUTHENTICATE\s+\S+)\s.*$/is;
// a literal marker at the end of a line is followed by that many bytes (RFC 3501 §4.3, RFC 7888)
const LITERAL = /\{(\d+)\+?\}\r?\n/;
// imapflow already logs a literal or a long string as `"(* 4321B literal *)"`
const PLACEHOLDER = /"\(\* (\d+)B (?:literal|string|atom) \*\)"/g;

const size = (n: number | string) => `… <${n} bytes>`;

/** Replace every literal's contents by its size. */
function cutLiterals(msg: string): string {
  let out = '';
  let rest = msg;
  for (let m = LITERAL.exec(rest); m; m = LITERAL.exec(rest)) {
    const n = Number(m[1]);
    out += rest.slice(0, m.index) + size(n);
    rest = rest.slice(m.index + m[0].length + n);
  }
  return (out + rest).replace(PLACEHOLDER, (_, n: string) => size(n));
}

/** What a client line may show: a login name but no password, a mechanism but no payload. */
function hideCredentials(msg: string): string {
  const login = LOGIN.exec(msg);
  if (login) return `${login[1]} ${HIDDEN}`;
  const auth = AUTHENTICATE.exec(msg);
  if (auth) return `${auth[1]} ${HIDDEN}`;
  // a client line of one token is an answer to a continuation: a SASL response (base64 of
  // PLAIN, XOAUTH2, OAUTHBEARER, LOGIN name or password), never a command; IDLE's DONE aside
  const trimmed = msg.trim();
  if (trimmed && !/\s/.test(trimmed) && trimmed.toUpperCase() !== 'DONE') return HIDDEN;
  return msg;
}

/** Every spelling of a secret that can reach a line: as is, JSON-escaped, and base64. */
function spellings(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), Buffer.from(secret, 'utf8').toString('base64')];
}

/** `msg` as it may be kept in the traffic log. `secrets`: values that must never appear. */
export function redactLine(dir: Direction, msg: string, secrets: readonly string[] = []): string {
  let line = cutLiterals(msg);
  if (dir === 'c') line = hideCredentials(line);
  for (const secret of secrets) {
    if (secret.length < 3) continue;
    for (const s of spellings(secret)) if (line.includes(s)) line = line.split(s).join(HIDDEN);
  }
  line = line.replace(/\r?\n|\r/g, ' ');
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)} ${size(Buffer.byteLength(line.slice(MAX_LINE)))}` : line;
}
