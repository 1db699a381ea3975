// Message shapes, as in the original IMAP API: list entries, one message, text, search.
import Type, { type Static } from 'typebox';
import { Page, PageSize, Paged, closed } from './common.js';
import { MailboxPath } from './mailbox.js';
import { SearchCriteria, SearchOrAll } from './search.js';

export { SearchCriteria };

export const Address = Type.Object({ name: Type.String(), address: Type.String() });
export type Address = Static<typeof Address>;

export const AttachmentEntry = Type.Object({
  id: Type.String(),
  contentType: Type.String(),
  encodedSize: Type.Integer({ description: 'Size as stored on the server (e.g. base64), bytes' }),
  filename: Type.Optional(Type.String()),
  inline: Type.Boolean({ description: 'Shown with the message (Content-Disposition: inline, or part of multipart/related)' }),
  embedded: Type.Boolean({ description: 'Referenced from the HTML by cid: (a part with a Content-ID inside multipart/related)' }),
  contentId: Type.Optional(Type.String({ description: 'Content-ID with angle brackets, e.g. "<logo@example>"' })),
});
export type AttachmentEntry = Static<typeof AttachmentEntry>;

export const TextInfo = Type.Object({
  id: Type.String(),
  encodedSize: Type.Object({ plain: Type.Integer(), html: Type.Integer() }),
});

export const MessageEntry = Type.Object({
  id: Type.String({ description: 'base64url of mailbox id and UID' }),
  uid: Type.Integer(),
  date: Type.String({ format: 'date-time' }),
  size: Type.Integer(),
  flags: Type.Array(Type.String()),
  unseen: Type.Boolean(),
  flagged: Type.Boolean(),
  draft: Type.Boolean(),
  labels: Type.Optional(Type.Array(Type.String(), { description: 'Gmail labels (servers with X-GM-EXT-1 only)' })),
  emailId: Type.Optional(Type.String({ description: 'Unique message id, when the server has one (OBJECTID, RFC 8474, or Gmail)' })),
  threadId: Type.Optional(Type.String({ description: 'Thread id, when the server has one (OBJECTID, RFC 8474, or Gmail)' })),
  messageSpecialUse: Type.Optional(Type.String({ description: 'Special use of the folder the message is in, e.g. \\Inbox, \\Sent' })),
  subject: Type.String(),
  from: Type.Optional(Address),
  sender: Type.Optional(Address),
  to: Type.Optional(Type.Array(Address)),
  cc: Type.Optional(Type.Array(Address)),
  bcc: Type.Optional(Type.Array(Address)),
  replyTo: Type.Optional(Type.Array(Address)),
  messageId: Type.Optional(Type.String()),
  inReplyTo: Type.Optional(Type.String()),
  text: Type.Optional(TextInfo),
  attachments: Type.Array(AttachmentEntry),
});
export type MessageEntry = Static<typeof MessageEntry>;

export const MessageList = Type.Object({ ...Paged, messages: Type.Array(MessageEntry) });
export type MessageList = Static<typeof MessageList>;

export const ListQuery = Type.Object({ path: MailboxPath, page: Type.Optional(Page), pageSize: Type.Optional(PageSize) }, closed);

export const MAX_TEXT_BYTES = 50 * 1024 * 1024;
export const DEFAULT_TEXT_BYTES = 5 * 1024 * 1024;
const MaxBytes = Type.Integer({
  minimum: 0, maximum: 1073741824,
  description: `Largest text returned per type, bytes of the stored (encoded) part; 0 or absent: ${DEFAULT_TEXT_BYTES} bytes, more than ${MAX_TEXT_BYTES} counts as ${MAX_TEXT_BYTES}`,
});
const TextType = Type.String({
  pattern: '^([Pp][Ll][Aa][Ii][Nn]|[Hh][Tt][Mm][Ll]|\\*)$', 'x-reason': 'must be one of: plain, html, *',
  description: 'Which text to fetch and return: plain, html or * (both, the default)',
});
export type TextType = 'plain' | 'html' | '*';
export const TextQuery = Type.Object({ maxBytes: Type.Optional(MaxBytes), textType: Type.Optional(TextType) }, closed);

/** The text byte cap and the text kinds a TextQuery asks for. */
export function textOptions(query: { maxBytes?: number; textType?: string }): { maxBytes: number; textType: TextType } {
  const bytes = query.maxBytes || DEFAULT_TEXT_BYTES;
  const type = (query.textType ?? '*').toLowerCase();
  return { maxBytes: Math.min(bytes, MAX_TEXT_BYTES), textType: type === 'plain' || type === 'html' ? type : '*' };
}

// absent, never null, when the message has no such part or it was not asked for
export const TextContent = Type.Object({
  plain: Type.Optional(Type.String()),
  html: Type.Optional(Type.String()),
  hasMore: Type.Boolean({ description: 'A part was longer than maxBytes and was cut' }),
});

export const MessageDetail = Type.Object({
  ...MessageEntry.properties,
  headers: Type.Record(Type.String(), Type.Array(Type.String())),
  text: Type.Object({ ...TextInfo.properties, ...TextContent.properties }),
});

export const SearchBody = Type.Object({ search: SearchOrAll }, closed);
