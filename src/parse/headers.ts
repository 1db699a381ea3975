// Splits a raw RFC 5322 header block into lower-cased names and unfolded values, without
// decoding encoded-words: cheap enough to run on every message, no MIME parser involved.

// RFC 5322 §2.2: a field name is printable US-ASCII except the colon
const FIELD_NAME = /^[!-9;-~]+$/;

/** Parses a header block (CRLF or LF lines, 8-bit bytes read as UTF-8) into name → values in order. */
export function parseHeaders(raw: Uint8Array): Record<string, string[]> {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  // a Map, so that a field named "__proto__" stays an ordinary entry
  const fields = new Map<string, string[]>();
  let name: string | null = null;
  let value = '';
  const flush = () => {
    if (name === null) return;
    const values = fields.get(name);
    if (values) values.push(value.trim());
    else fields.set(name, [value.trim()]);
    name = null;
  };
  for (const line of text.split(/\r?\n/)) {
    // the first empty line ends the header block (RFC 5322 §2.1)
    if (line === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // unfolding removes only the line break, the leading whitespace stays (RFC 5322 §2.2.3)
      if (name !== null) value += line;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    // obsolete syntax allows whitespace before the colon (RFC 5322 §4.5)
    const field = line.slice(0, colon).trimEnd();
    if (!FIELD_NAME.test(field)) continue;
    name = field.toLowerCase();
    value = line.slice(colon + 1);
  }
  flush();
  return Object.fromEntries(fields);
}
