// A body fetched up to a byte limit can stop inside a quoted-printable escape or a multibyte
// character; these helpers drop that incomplete tail so the prefix decodes cleanly. A cut base64
// quad needs nothing: its complete bytes decode right and a lone 6-bit char is ignored.

const EQUALS = 0x3d;
const CR = 0x0d;
const ESC = 0x1b;

function isHexDigit(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

/** Drops a cut escape, which libqp would keep as literal "=C", or a soft break missing its LF. */
export function trimCutQuotedPrintable(body: Uint8Array): Uint8Array {
  const n = body.length;
  if (body[n - 1] === EQUALS) return body.subarray(0, n - 1);
  const last = body[n - 1];
  if (body[n - 2] === EQUALS && last !== undefined && (isHexDigit(last) || last === CR)) return body.subarray(0, n - 2);
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
