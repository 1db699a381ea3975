// Folder shapes: listing, create, rename, delete.
import Type, { type Static } from 'typebox';
import { closed } from './common.js';

/** Control characters (CR, LF, NUL among them) have no place in a folder name and would end an IMAP command. */
const NO_CONTROLS = { pattern: '^[^\\u0000-\\u001f\\u007f]+$', 'x-reason': 'must not contain control characters such as CR, LF or NUL' } as const;
export const MailboxPath = Type.String({ minLength: 1, maxLength: 1024, ...NO_CONTROLS, description: 'Full folder path, e.g. "INBOX" or "Projects/2024"' });

export const MailboxEntry = Type.Object({
  path: Type.String(),
  name: Type.String(),
  delimiter: Type.Optional(Type.String({ description: 'Hierarchy delimiter; absent on a server without folder hierarchy' })),
  parentPath: Type.String({ description: "Path of the parent folder, '' at the top level" }),
  specialUse: Type.Optional(Type.String({ description: 'e.g. \\Sent, \\Trash; \\Inbox for INBOX; absent for an ordinary folder' })),
  subscribed: Type.Boolean(),
  listed: Type.Boolean(),
  messages: Type.Integer(),
  uidNext: Type.Integer(),
  unseen: Type.Optional(Type.Integer()),
  mailboxId: Type.Integer({ description: 'Small stable number used inside message ids' }),
});
export type MailboxEntry = Static<typeof MailboxEntry>;

export const MailboxList = Type.Object({ mailboxes: Type.Array(MailboxEntry) });
const PathSegment = Type.String({ minLength: 1, maxLength: 256, ...NO_CONTROLS });
export const MailboxCreate = Type.Object({
  path: Type.Union([MailboxPath, Type.Array(PathSegment, { minItems: 1, maxItems: 32, description: 'As in the original IMAP API: ["Parent", "Child"], joined with the server\'s delimiter' })]),
}, closed);
export const MailboxRename = Type.Object({ path: MailboxPath, newPath: MailboxPath }, closed);
export const MailboxQuery = Type.Object({ path: MailboxPath }, closed);

export const MailboxCreated = Type.Object({
  path: Type.String(),
  mailboxId: Type.String({ description: 'The folder id of the listing (mailboxId there), as a string as in the original IMAP API' }),
  created: Type.Boolean(),
});
export type MailboxCreated = Static<typeof MailboxCreated>;
export const MailboxRenamed = Type.Object({ path: Type.String(), newPath: Type.String(), renamed: Type.Boolean() });
export type MailboxRenamed = Static<typeof MailboxRenamed>;
export const MailboxDeleted = Type.Object({ path: Type.String(), deleted: Type.Boolean() });
export type MailboxDeleted = Static<typeof MailboxDeleted>;
