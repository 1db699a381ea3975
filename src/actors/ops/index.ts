// The handler table of the ops that work on an account's mailbox data, checked by the
// compiler against the protocol's op list.
import type { AccountOp, Args, Result } from '../../protocol/ops.js';
import type { OpContext } from './context.js';
import { openAttachment, openSource } from './download.js';
import { getMessage, getText } from './get-message.js';
import { listMessages, searchMessages } from './list-messages.js';
import { createMailbox, deleteMailbox, listMailboxes, renameMailbox } from './mailboxes.js';

/** Ops about the account's settings and connection, served by the shard host itself. */
export type SettingsOp = 'createAccount' | 'getAccount' | 'updateAccount' | 'deleteAccount' | 'reconnectAccount';
export type MailOp = Exclude<AccountOp, SettingsOp>;

export const mailOps: { [K in MailOp]: (ctx: OpContext, args: Args<K>) => Promise<Result<K>> } = {
  listMailboxes: (ctx) => listMailboxes(ctx),
  createMailbox,
  renameMailbox,
  deleteMailbox,
  listMessages,
  searchMessages,
  getMessage,
  getText,
  openAttachment,
  openSource,
};
