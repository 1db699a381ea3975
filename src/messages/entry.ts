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

/** What to FETCH of a message whose entry is known already: the parts of an entry that change. */
export const STATE_QUERY = { uid: true, flags: true, labels: true } as const;

/** The list entry of `msg` in mailbox `mailbox`; also returns the parsed structure for reuse. */
export function toEntry(msg: FetchMessageObject, mailbox: number, opts: EntryOptions = {}): { entry: MessageEntry; structure: Structure } {
  const env = msg.envelope;
  const structure = readStructure(msg.bodyStructure);
  const ref = { mailbox, uid: msg.uid };
  const entry: MessageEntry = {
    id: encodeMessageId(ref),
    uid: msg.uid,
    // the original's `date` is the internal date (when the server received it), as since/before search it
    date: isoDate(msg.internalDate, env?.date),
    size: msg.size ?? 0,
    // placeholders, so that a refreshed entry keeps its keys in this order (setState fills them)
    flags: [],
    unseen: true,
    flagged: false,
    draft: false,
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
  setState(entry, msg, opts);
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

/** `known` as it is now: what a UID names never changes (RFC 3501 §2.3.1.1) but its flags,
 *  labels and the folder's special use, taken from `msg` (a STATE_QUERY answer). */
export function refreshed(known: MessageEntry, msg: FetchMessageObject, opts: EntryOptions = {}): MessageEntry {
  const entry = { ...known };
  setState(entry, msg, opts);
  return entry;
}

function setState(entry: MessageEntry, msg: FetchMessageObject, opts: EntryOptions): void {
  // \Recent is per session (RFC 3501 2.3.2): meaningless to anyone reading it later
  const flags = [...(msg.flags ?? [])].filter((f) => f !== '\\Recent');
  entry.flags = flags;
  entry.unseen = !flags.includes('\\Seen');
  entry.flagged = flags.includes('\\Flagged');
  entry.draft = flags.includes('\\Draft');
  if (msg.labels) entry.labels = [...msg.labels];
  else if (entry.labels) delete entry.labels;
  if (opts.specialUse) entry.messageSpecialUse = opts.specialUse;
  else if (entry.messageSpecialUse) delete entry.messageSpecialUse;
}
