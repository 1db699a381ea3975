// Message, text and attachment ids, compatible with the original IMAP API: base64url of the
// mailbox id and UID (uint32 BE each), then a msgpack list of text parts or a part number.
import { pack, unpack } from 'msgpackr';
import { ApiError } from './errors.js';

export interface MessageRef { mailbox: number; uid: number }
export interface TextRef extends MessageRef { plain: string[]; html: string[] }
export interface AttachmentRef extends MessageRef { part: string }

const PART = /^\d+(\.\d+)*$/;

function head(ref: MessageRef): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeUInt32BE(ref.mailbox, 0);
  buf.writeUInt32BE(ref.uid, 4);
  return buf;
}

/** `field`: where the id was in the request, when not the path parameter named after its kind. */
function invalid(kind: string, id: string, field = kind): ApiError {
  return new ApiError('InvalidId', `"${id.slice(0, 100)}" is not a valid ${kind} id`, [{ field, reason: 'malformed id' }]);
}

function bytes(kind: string, id: string, min: number, field = kind): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(id) || id.length > 1024) throw invalid(kind, id, field);
  const buf = Buffer.from(id, 'base64url');
  if (buf.length < min) throw invalid(kind, id, field);
  const ref = { mailbox: buf.readUInt32BE(0), uid: buf.readUInt32BE(4) };
  if (ref.mailbox === 0 || ref.uid === 0) throw invalid(kind, id, field);
  return buf;
}

const refOf = (buf: Buffer): MessageRef => ({ mailbox: buf.readUInt32BE(0), uid: buf.readUInt32BE(4) });

/** `AAAAAQAAAeE` = mailbox 1, UID 481. */
export function encodeMessageId(ref: MessageRef): string {
  return head(ref).toString('base64url');
}

/** `field`: the request field a bad id is reported at (default "message", the path parameter). */
export function decodeMessageId(id: string, field = 'message'): MessageRef {
  const buf = bytes('message', id, 8, field);
  if (buf.length !== 8) throw invalid('message', id, field);
  return refOf(buf);
}

/** Message id bytes + msgpack `[plainParts, htmlParts, []]`, as the original IMAP API. */
export function encodeTextId(ref: TextRef): string {
  return Buffer.concat([head(ref), pack([ref.plain, ref.html, []])]).toString('base64url');
}

export function decodeTextId(id: string): TextRef {
  const buf = bytes('text', id, 9);
  let lists: unknown;
  try {
    lists = unpack(buf.subarray(8));
  } catch {
    throw invalid('text', id);
  }
  const parts = (v: unknown): string[] => {
    if (!Array.isArray(v) || v.length > 64 || !v.every((p) => typeof p === 'string' && PART.test(p))) throw invalid('text', id);
    return v as string[];
  };
  if (!Array.isArray(lists) || lists.length < 2) throw invalid('text', id);
  return { ...refOf(buf), plain: parts(lists[0]), html: parts(lists[1]) };
}

/** Message id bytes + the part number in ASCII. */
export function encodeAttachmentId(ref: AttachmentRef): string {
  return Buffer.concat([head(ref), Buffer.from(ref.part, 'ascii')]).toString('base64url');
}

export function decodeAttachmentId(id: string): AttachmentRef {
  const buf = bytes('attachment', id, 9);
  const part = buf.subarray(8).toString('latin1');
  if (!PART.test(part) || part.length > 64) throw invalid('attachment', id);
  return { ...refOf(buf), part };
}
