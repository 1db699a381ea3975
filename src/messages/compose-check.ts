// Checks on message fields that a JSON schema cannot state: no header injection (CR, LF, NUL in
// anything that ends up in a header), real addresses, base64 content, no header field the composer
// owns. Problems name the field path as http/validate.ts does (to.2.name, headers.X-Foo).
import type { FieldProblem } from '../errors.js';
import type { ComposeAddress, MessageFields } from '../schemas/compose.js';
import { isMailboxAddress } from './mailbox-address.js';

const LINE_BREAK = /[\r\n\0]/;
const LINE_BREAK_REASON = 'must not contain CR, LF or NUL';
const ADDRESS_REASON = 'is not a valid e-mail address';
const BASE64_REASON = 'must be valid base64';
// RFC 5322 §3.6.4 msg-id: one token, angle brackets only around it (added when missing)
const MSG_ID = /^<?[^<>\s]+>?$/;
const MSG_ID_REASON = 'must be one id without spaces or angle brackets inside, e.g. <id@example.com>';

// Header fields the composer writes from the message fields or the MIME tree: a second copy
// would make the message ambiguous (RFC 5322 §3.6 allows one of each) or break its structure.
// In-Reply-To and References stay allowed: without a reference they are the caller's to set.
const FROM_FIELD: Record<string, string> = {
  from: 'from', to: 'to', cc: 'cc', bcc: 'bcc', 'reply-to': 'replyTo', subject: 'subject', 'message-id': 'messageId',
};
const COMPOSER_OWNED = new Set(['date', 'mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition', 'content-id']);

/** Problems a schema cannot find in `fields`; `prefix` is prepended to every field path. */
export function checkMessageFields(fields: MessageFields, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const base = prefix.replace(/\.$/, '');
  const add = (field: string, reason: string) => problems.push({ field: base ? `${base}.${field}` : field, reason });
  const noBreaks = (field: string, value: string | undefined) => {
    if (value !== undefined && LINE_BREAK.test(value)) add(field, LINE_BREAK_REASON);
  };

  noBreaks('subject', fields.subject);
  if (fields.from) checkAddress(fields.from, 'from', add);
  for (const key of ['to', 'cc', 'bcc', 'replyTo'] as const) {
    fields[key]?.forEach((a, i) => checkAddress(a, `${key}.${i}`, add));
  }
  fields.attachments?.forEach((a, i) => {
    noBreaks(`attachments.${i}.filename`, a.filename);
    noBreaks(`attachments.${i}.contentType`, a.contentType);
    checkId(`attachments.${i}.cid`, a.cid, add);
    if (base64Length(a.content) < 0) add(`attachments.${i}.content`, BASE64_REASON);
  });
  for (const [name, value] of Object.entries(fields.headers ?? {})) checkHeader(name, value, add);
  checkId('messageId', fields.messageId, add);
  return problems;
}

type Add = (field: string, reason: string) => void;

function checkAddress(a: ComposeAddress, field: string, add: Add): void {
  if (a.name !== undefined && LINE_BREAK.test(a.name)) add(`${field}.name`, LINE_BREAK_REASON);
  if (LINE_BREAK.test(a.address)) add(`${field}.address`, LINE_BREAK_REASON);
  else if (!isMailboxAddress(a.address)) add(`${field}.address`, ADDRESS_REASON);
}

function checkId(field: string, value: string | undefined, add: Add): void {
  if (value === undefined) return;
  if (LINE_BREAK.test(value)) add(field, LINE_BREAK_REASON);
  else if (!MSG_ID.test(value)) add(field, MSG_ID_REASON);
}

function checkHeader(name: string, value: string, add: Add): void {
  const field = `headers.${name}`;
  if (LINE_BREAK.test(name) || LINE_BREAK.test(value)) return add(field, LINE_BREAK_REASON);
  const key = name.toLowerCase();
  const own = FROM_FIELD[key];
  if (own) add(field, `is set by the composer; use the "${own}" field`);
  else if (COMPOSER_OWNED.has(key)) add(field, 'is set by the composer');
  // added by the delivering server (RFC 5321 §4.4); one written by the sender would mislead
  else if (key === 'return-path') add(field, 'is added on delivery');
}

/** Decoded size in bytes of every attachment, from the base64 length, without decoding. */
export function attachmentBytes(fields: MessageFields): number {
  let total = 0;
  for (const a of fields.attachments ?? []) {
    const bytes = base64Length(a.content);
    // not base64 (checkMessageFields says so): an upper bound still serves a size limit
    total += bytes >= 0 ? bytes : Math.ceil((a.content.length * 3) / 4);
  }
  return total;
}

const isBase64Char = (c: number) =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/** Decoded length of base64 text, -1 when it is not base64; line breaks and missing padding are allowed. */
function base64Length(text: string): number {
  let chars = 0;
  let pad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d) pad++;
    else if (isSpace(c)) continue;
    else if (pad > 0 || !isBase64Char(c)) return -1;
    else chars++;
  }
  // a lone sixth bit group cannot hold a byte; padding, when present, completes the last quantum
  if (pad > 2 || chars % 4 === 1 || (pad > 0 && (chars + pad) % 4 !== 0)) return -1;
  return Math.floor((chars * 3) / 4);
}
