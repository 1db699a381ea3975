// Folder shapes: listing, create, rename, delete.
import Type, { type Static } from 'typebox';
import { closed } from './common.js';

export const MailboxPath = Type.String({ minLength: 1, maxLength: 1024, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'Full folder path, e.g. "INBOX" or "Projects/2024"' });

export const MailboxEntry = Type.Object({
  path: Type.String(),
  name: Type.String(),
  delimiter: Type.Union([Type.String(), Type.Null()]),
  parentPath: Type.Union([Type.String(), Type.Null()]),
  specialUse: Type.Union([Type.String({ description: 'e.g. \\Sent, \\Trash; \\Inbox for INBOX' }), Type.Null()]),
  subscribed: Type.Boolean(),
  listed: Type.Boolean(),
  messages: Type.Integer(),
  uidNext: Type.Integer(),
  unseen: Type.Optional(Type.Integer()),
  mailboxId: Type.Integer({ description: 'Small stable number used inside message ids' }),
});
export type MailboxEntry = Static<typeof MailboxEntry>;

export const MailboxList = Type.Object({ mailboxes: Type.Array(MailboxEntry) });
export const MailboxCreate = Type.Object({ path: MailboxPath }, closed);
export const MailboxRename = Type.Object({ path: MailboxPath, newPath: MailboxPath }, closed);
export const MailboxQuery = Type.Object({ path: MailboxPath }, closed);

export const MailboxCreated = Type.Object({ path: Type.String(), mailboxId: Type.Integer(), created: Type.Boolean() });
export type MailboxCreated = Static<typeof MailboxCreated>;
export const MailboxRenamed = Type.Object({ path: Type.String(), newPath: Type.String(), renamed: Type.Boolean() });
export type MailboxRenamed = Static<typeof MailboxRenamed>;
export const MailboxDeleted = Type.Object({ path: Type.String(), deleted: Type.Boolean() });
export type MailboxDeleted = Static<typeof MailboxDeleted>;
