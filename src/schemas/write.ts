// Shapes of the write API, as in the original IMAP API where it has them: flag updates, move,
// delete and upload of one message, and the bulk forms over a list of ids or a search.
import Type, { type Static } from 'typebox';
import { MailboxPath } from './mailbox.js';
import { MessageIdParam, closed } from './common.js';
import { SearchCriteria } from './message.js';
import { MessageFields } from './compose.js';
import { SubmitReference } from './submit.js';

/** An IMAP flag: `\System` or a keyword atom (RFC 3501 §9: no SP, CTL, ( ) { % * " \ ]). */
export const Flag = Type.String({
  minLength: 1, maxLength: 128,
  pattern: '^(?:\\\\(?:[Ss][Ee][Ee][Nn]|[Aa][Nn][Ss][Ww][Ee][Rr][Ee][Dd]|[Ff][Ll][Aa][Gg][Gg][Ee][Dd]|[Dd][Ee][Ll][Ee][Tt][Ee][Dd]|[Dd][Rr][Aa][Ff][Tt])|[!#$&\'+,./0-9:;<=>?@A-Z\\[^_`a-z|}~-]+)$',
  'x-reason': 'must be a system flag (\\Seen, \\Answered, \\Flagged, \\Deleted, \\Draft) or a keyword without spaces or ( ) { % * " \\ ]',
  description: 'e.g. \\Seen, \\Flagged, $Label1 (\\Recent is set by the server only)',
});
const FlagList = Type.Array(Flag, { maxItems: 100 });

export const FlagUpdate = Type.Object({
  add: Type.Optional(FlagList),
  delete: Type.Optional(FlagList),
  set: Type.Optional(Type.Array(Flag, { maxItems: 100, description: 'Replace all flags (an empty list clears them)' })),
}, { ...closed, minProperties: 1, description: 'Applied in the order set, add, delete' });
export type FlagUpdate = Static<typeof FlagUpdate>;

/** A Gmail label (X-GM-LABELS): any text on one line, or a system label like \\Important. */
const Label = Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\r\\n\\u0000]+$', 'x-reason': 'must be one line of text (no CR, LF or NUL)' });
const LabelList = Type.Array(Label, { maxItems: 100 });
export const LabelUpdate = Type.Object({
  add: Type.Optional(LabelList), delete: Type.Optional(LabelList), set: Type.Optional(LabelList),
}, { ...closed, minProperties: 1, description: 'Gmail labels (X-GM-EXT-1), applied in the order set, add, delete; accepted and not applied on other servers' });
export type LabelUpdate = Static<typeof LabelUpdate>;

export const MessageUpdate = Type.Object({ flags: Type.Optional(FlagUpdate), labels: Type.Optional(LabelUpdate) }, { ...closed, minProperties: 1 });

export const FlagResult = Type.Object({
  add: Type.Optional(Type.Boolean()), delete: Type.Optional(Type.Boolean()), set: Type.Optional(Type.Boolean()),
}, { description: 'true for each part that was applied' });
export type FlagResult = Static<typeof FlagResult>;
export const MessageUpdateResult = Type.Object({
  flags: Type.Optional(FlagResult),
  labels: Type.Optional(Type.Object(FlagResult.properties, { description: 'true for each part applied; false where the server has no labels' })),
});
export type MessageUpdateResult = Static<typeof MessageUpdateResult>;

/** Which messages a bulk call is about: listed ids of the folder, or a search in it. */
const Selection = {
  messages: Type.Optional(Type.Array(MessageIdParam, { minItems: 1, maxItems: 1000, description: 'Message ids, all in the folder of `path`' })),
  search: Type.Optional(SearchCriteria),
};
export const BulkQuery = Type.Object({ path: MailboxPath }, closed);
export const BulkUpdate = Type.Object({ ...Selection, flags: FlagUpdate }, closed);
export const BulkUpdateResult = Type.Object({ flags: FlagResult, updated: Type.Integer({ description: 'Messages the change was applied to' }) });
export type BulkUpdateResult = Static<typeof BulkUpdateResult>;

export const MessageMove = Type.Object({ path: MailboxPath }, closed);
export const MessageMoveResult = Type.Object({
  path: Type.String({ description: 'Target folder' }),
  id: Type.Optional(Type.String({ description: 'Id of the moved message in the target folder (absent if the server could not say)' })),
  uid: Type.Optional(Type.Integer()),
});
export type MessageMoveResult = Static<typeof MessageMoveResult>;

const IdMap = Type.Array(Type.Tuple([Type.String(), Type.String()]), { description: '[id before, id after] per message whose new id is known' });
export const BulkMove = Type.Object({ ...Selection, destination: MailboxPath }, closed);
export const BulkMoveResult = Type.Object({ path: Type.String({ description: 'Target folder' }), moved: Type.Integer(), idMap: IdMap });
export type BulkMoveResult = Static<typeof BulkMoveResult>;

export const DeleteQuery = Type.Object({ force: Type.Optional(Type.Boolean({ description: 'Expunge even outside the Trash folder' })) }, closed);
export const MessageDeleteResult = Type.Object({
  deleted: Type.Optional(Type.Boolean({ description: 'Present when the message was expunged' })),
  moved: Type.Optional(Type.Object({ destination: Type.String(), messageId: Type.String() }, { description: 'Present when the message went to Trash' })),
});
export type MessageDeleteResult = Static<typeof MessageDeleteResult>;

export const BulkDeleteQuery = Type.Object({ path: MailboxPath, force: Type.Optional(Type.Boolean()) }, closed);
export const BulkDelete = Type.Object(Selection, closed);
export const BulkDeleteResult = Type.Object({
  deleted: Type.Integer({ description: 'Messages expunged' }),
  moved: Type.Optional(Type.Object({ destination: Type.String(), count: Type.Integer(), idMap: IdMap })),
});
export type BulkDeleteResult = Static<typeof BulkDeleteResult>;

export const MessageUpload = Type.Object({
  path: MailboxPath,
  flags: Type.Optional(FlagList),
  internalDate: Type.Optional(Type.String({ format: 'date-time', description: 'INTERNALDATE to store (default: now)' })),
  raw: Type.Optional(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9+/=\\r\\n_-]+$', description: 'The RFC 822 message, base64, instead of the fields' })),
  reference: Type.Optional(SubmitReference),
  ...MessageFields.properties,
}, { ...closed, description: 'A message to store: raw, or composed from the fields (a draft of a reply when it has a reference)' });
export const MessageUploadResult = Type.Object({
  id: Type.Optional(Type.String({ description: 'Absent when the server did not say which UID it gave the message' })),
  path: Type.String(),
  uid: Type.Optional(Type.Integer()),
  seq: Type.Optional(Type.Integer()),
});
export type MessageUploadResult = Static<typeof MessageUploadResult>;
