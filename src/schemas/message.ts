// Message shapes, as in the original IMAP API: list entries, one message, text, search.
import Type, { type Static } from 'typebox';
import { Page, PageSize, Paged, closed } from './common.js';
import { MailboxPath } from './mailbox.js';

export const Address = Type.Object({ name: Type.String(), address: Type.String() });
export type Address = Static<typeof Address>;

export const AttachmentEntry = Type.Object({
  id: Type.String(),
  contentType: Type.String(),
  encodedSize: Type.Integer({ description: 'Size as stored on the server (e.g. base64), bytes' }),
  filename: Type.Optional(Type.String()),
  inline: Type.Boolean(),
  contentId: Type.Optional(Type.String()),
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
  attachments: Type.Optional(Type.Array(AttachmentEntry)),
});
export type MessageEntry = Static<typeof MessageEntry>;

export const MessageList = Type.Object({ ...Paged, messages: Type.Array(MessageEntry) });
export type MessageList = Static<typeof MessageList>;

export const ListQuery = Type.Object({ path: MailboxPath, page: Type.Optional(Page), pageSize: Type.Optional(PageSize) }, closed);

const MaxBytes = Type.Integer({ minimum: 1, maximum: 50 * 1024 * 1024, default: 5 * 1024 * 1024, description: 'Largest text returned per type, bytes of the stored (encoded) part' });
export const TextQuery = Type.Object({ maxBytes: Type.Optional(MaxBytes) }, closed);

export const TextContent = Type.Object({
  plain: Type.Union([Type.String(), Type.Null()]),
  html: Type.Union([Type.String(), Type.Null()]),
  hasMore: Type.Boolean({ description: 'A part was longer than maxBytes and was cut' }),
});

export const MessageDetail = Type.Object({
  ...MessageEntry.properties,
  headers: Type.Record(Type.String(), Type.Array(Type.String())),
  text: Type.Object({ ...TextInfo.properties, ...TextContent.properties }),
});

const DateOrTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}:?\\d{2})?)?$', description: 'ISO 8601 date or date-time' });
export const SearchCriteria = Type.Object({
  seen: Type.Optional(Type.Boolean()),
  flagged: Type.Optional(Type.Boolean()),
  answered: Type.Optional(Type.Boolean()),
  deleted: Type.Optional(Type.Boolean()),
  draft: Type.Optional(Type.Boolean()),
  from: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  to: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  cc: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  bcc: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  subject: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  body: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  // true: the field is present; false would be dropped silently by imapflow and widen the search
  header: Type.Optional(Type.Record(Type.String({ pattern: '^[!-9;-~]+$' }), Type.Union([Type.String({ maxLength: 1024 }), Type.Literal(true)]), { minProperties: 1, maxProperties: 10 })),
  since: Type.Optional(DateOrTime),
  before: Type.Optional(DateOrTime),
  sentSince: Type.Optional(DateOrTime),
  sentBefore: Type.Optional(DateOrTime),
  larger: Type.Optional(Type.Integer({ minimum: 0 })),
  smaller: Type.Optional(Type.Integer({ minimum: 1 })),
  uid: Type.Optional(Type.String({ pattern: '^(\\d+|\\*)(:(\\d+|\\*))?(,(\\d+|\\*)(:(\\d+|\\*))?)*$', maxLength: 4096, description: 'UID set, e.g. "1:100,200"' })),
}, { ...closed, minProperties: 1 });
export type SearchCriteria = Static<typeof SearchCriteria>;

export const SearchBody = Type.Object({ search: SearchCriteria }, closed);
