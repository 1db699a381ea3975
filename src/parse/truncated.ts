// A body fetched up to a byte limit can stop inside a base64 quad, a quoted-printable escape or
// a multibyte character. These helpers drop that incomplete tail so the prefix decodes cleanly.

export type TransferEncoding = 'base64' | 'quoted-printable' | '8bit';

const EQUALS = 0x3d;
const CR = 0x0d;
const ESC = 0x1b;

function isBase64Char(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f || b === EQUALS;
}

function isHexDigit(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

// a partial quad would decode to one or two made-up bytes rather than fail
function trimBase64(body: Uint8Array): Uint8Array {
  let count = 0;
  for (const b of body) if (isBase64Char(b)) count++;
  let excess = count % 4;
  let end = body.length;
  while (excess > 0 && end > 0) if (isBase64Char(body[--end]!)) excess--;
  return body.subarray(0, end);
}

// libqp keeps a cut escape such as "=C" as literal text, and "=\r" is a soft break missing its LF
function trimQuotedPrintable(body: Uint8Array): Uint8Array {
  const n = body.length;
  if (body[n - 1] === EQUALS) return body.subarray(0, n - 1);
  const last = body[n - 1];
  if (body[n - 2] === EQUALS && last !== undefined && (isHexDigit(last) || last === CR)) return body.subarray(0, n - 2);
  return body;
}

/** Drops an incomplete trailing base64 quad or quoted-printable escape from a cut body. */
export function trimCutEncoding(body: Uint8Array, encoding: TransferEncoding): Uint8Array {
  if (encoding === 'base64') return trimBase64(body);
  if (encoding === 'quoted-printable') return trimQuotedPrintable(body);
  return body;
}

/**
 * Drops a cut ISO-2022-JP tail from bytes already free of transfer encoding: an incomplete
 * escape sequence, or the lone first byte of a two-byte (JIS X 0208) character, which the
 * decoder would otherwise turn into "?" instead of U+FFFD.
 */
export function trimCutJis(body: Uint8Array): Uint8Array {
  const escape = body.lastIndexOf(ESC);
  if (escape < 0) return body;
  // ESC $ @, ESC $ B, ESC ( B, ESC ( J are 3 bytes; ESC $ ( D (JIS X 0212) is 4 (RFC 1468, RFC 2237)
  const length = body[escape + 1] === 0x24 && body[escape + 2] === 0x28 ? 4 : 3;
  if (body.length - escape < length) return body.subarray(0, escape);
  const twoByte = body[escape + 1] === 0x24;
  const run = body.length - escape - length;
  return twoByte && run % 2 === 1 ? body.subarray(0, body.length - 1) : body;
}

/** Drops the U+FFFD a charset decoder makes of a multibyte character cut in half. */
export function dropCutChar(text: string): string {
  return text.endsWith('\uFFFD') ? text.slice(0, -1) : text;
}
