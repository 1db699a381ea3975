// POST /v1/verifyAccount as the original IMAP API has it: IMAP and SMTP settings to try, and
// what each login gave (with the server's words and a code on failure), plus the folder list.
import Type, { type Static } from 'typebox';
import { ImapSettings, SmtpSettings } from './account.js';
import { closed } from './common.js';

export const VerifyInput = Type.Object({
  imap: Type.Optional(ImapSettings),
  smtp: Type.Optional(SmtpSettings),
  mailboxes: Type.Optional(Type.Boolean({ default: false, description: 'Also list the IMAP folders' })),
}, closed);
export type VerifyInput = Static<typeof VerifyInput>;

export const VerifyOutcome = Type.Object({
  success: Type.Boolean(),
  error: Type.Optional(Type.String({ description: "The server's answer or the network error; only when success is false" })),
  code: Type.Optional(Type.String({ description: 'e.g. AUTHENTICATIONFAILED, ECONNREFUSED, ETIMEDOUT; only when success is false' })),
});
export type VerifyOutcome = Static<typeof VerifyOutcome>;

export const VerifiedMailbox = Type.Object({
  path: Type.String(),
  delimiter: Type.Optional(Type.String()),
  parentPath: Type.String({ description: "'' for a top-level folder" }),
  name: Type.String(),
  listed: Type.Boolean(),
  subscribed: Type.Boolean(),
  specialUse: Type.Optional(Type.String()),
});
export type VerifiedMailbox = Static<typeof VerifiedMailbox>;

export const VerifyResult = Type.Object({
  imap: Type.Optional(VerifyOutcome),
  smtp: Type.Optional(VerifyOutcome),
  mailboxes: Type.Optional(Type.Array(VerifiedMailbox)),
});
export type VerifyResult = Static<typeof VerifyResult>;
