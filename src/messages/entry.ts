// Builds the API's message entry (list item, messageNew payload) from a FETCH response:
// envelope, flags, sizes, text and attachment ids. Nothing of it is stored.
import type { FetchMessageObject, MessageAddressObject } from 'imapflow';
import { encodeAttachmentId, encodeMessageId, encodeTextId } from '../ids.js';
import type { Address, MessageEntry } from '../schemas/message.js';
import { readStructure, type Structure } from './structure.js';

/** What list/get/search fetch for each message. imapflow asks for EMAILID/THREADID (OBJECTID,
 *  RFC 8474) or X-GM-MSGID/THRID/LABELS only when the server offers them: no extra round trip. */
export const ENTRY_QUERY = { uid: true, flags: true, envelope: true, internalDate: true, size: true, bodyStructure: true, threadId: true, labels: true } as const;

export interface EntryOptions {
  /** special use of the folder the message is listed in (e.g. \Sent), when it has one */
  specialUse?: string | null;
}

const address = (a: MessageAddressObject): Address => ({ name: a.name ?? '', address: a.address ?? '' });
const addresses = (list: MessageAddressObject[] | undefined): Address[] | undefined =>
  list && list.length ? list.map(address) : undefined;

function isoDate(...candidates: (Date | string | undefined)[]): string {
  for (const c of candidates) {
    if (!c) continue;
    const d = c instanceof Date ? c : new Date(c);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return new Date(0).toISOString();
}

/** The list entry of `msg` in mailbox `mailbox`; also returns the parsed structure for reuse. */
export function toEntry(msg: FetchMessageObject, mailbox: number, opts: EntryOptions = {}): { entry: MessageEntry; structure: Structure } {
  const env = msg.envelope;
  // \Recent is per session (RFC 3501 2.3.2): meaningless to anyone reading it later
  const flags = [...(msg.flags ?? [])].filter((f) => f !== '\\Recent');
  const structure = readStructure(msg.bodyStructure);
  const ref = { mailbox, uid: msg.uid };
  const entry: MessageEntry = {
    id: encodeMessageId(ref),
    uid: msg.uid,
    // the original's `date` is the internal date (when the server received it), as since/before search it
    date: isoDate(msg.internalDate, env?.date),
    size: msg.size ?? 0,
    flags,
    unseen: !flags.includes('\\Seen'),
    flagged: flags.includes('\\Flagged'),
    draft: flags.includes('\\Draft'),
    subject: env?.subject ?? '',
    attachments: structure.attachments.map((a) => ({
      id: encodeAttachmentId({ ...ref, part: a.part }),
      contentType: a.contentType,
      encodedSize: a.size,
      inline: a.inline,
      embedded: a.embedded,
      ...(a.filename ? { filename: a.filename } : {}),
      ...(a.contentId ? { contentId: a.contentId } : {}),
    })),
  };
  if (msg.emailId) entry.emailId = msg.emailId;
  if (msg.threadId) entry.threadId = msg.threadId;
  if (msg.labels) entry.labels = [...msg.labels];
  if (opts.specialUse) entry.messageSpecialUse = opts.specialUse;
  const from = env?.from?.[0];
  if (from) entry.from = address(from);
  const sender = env?.sender?.[0];
  if (sender && sender.address !== from?.address) entry.sender = address(sender);
  for (const key of ['to', 'cc', 'bcc', 'replyTo'] as const) {
    const list = addresses(env?.[key]);
    if (list) entry[key] = list;
  }
  if (env?.messageId) entry.messageId = env.messageId;
  if (env?.inReplyTo) entry.inReplyTo = env.inReplyTo;
  if (structure.plain.length || structure.html.length) {
    const sum = (parts: { size: number }[]) => parts.reduce((n, p) => n + p.size, 0);
    entry.text = {
      id: encodeTextId({ ...ref, plain: structure.plain.map((p) => p.part), html: structure.html.map((p) => p.part) }),
      encodedSize: { plain: sum(structure.plain), html: sum(structure.html) },
    };
  }
  return { entry, structure };
}
