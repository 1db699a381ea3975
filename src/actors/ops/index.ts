// The handler table of the ops that work on an account's mailbox data, checked by the
// compiler against the protocol's op list.
import type { AccountOp, Args, Result } from '../../protocol/ops.js';
import type { OpContext } from './context.js';
import { openAttachment, openSource } from './download.js';
import { getMessage, getText } from './get-message.js';
import { listMessages, searchMessages } from './list-messages.js';
import { createMailbox, deleteMailbox, listMailboxes, renameMailbox } from './mailboxes.js';
import { deleteMessage, deleteMessages } from './delete.js';
import { updateFlags, updateFlagsBulk } from './flags.js';
import { moveMessage, moveMessages } from './move.js';
import { uploadMessage } from './upload.js';
import { prepareSubmit } from './reference.js';
import { notifyContent } from './notify-content.js';

/** Ops about the account's settings, connection and outbox, served by the shard host itself. */
export type HostOp = 'createAccount' | 'getAccount' | 'updateAccount' | 'deleteAccount' | 'reconnectAccount' | 'enqueueSubmission' | 'getLogs'
  | 'finishOAuth2' | 'getOAuthToken';
export type MailOp = Exclude<AccountOp, HostOp>;

export type MailHandler<K extends MailOp> = (ctx: OpContext, args: Args<K>) => Promise<Result<K>>;

export const mailOps: { [K in MailOp]: MailHandler<K> } = {
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
  updateFlags,
  updateFlagsBulk,
  moveMessage,
  moveMessages,
  deleteMessage,
  deleteMessages,
  uploadMessage,
  prepareSubmit,
  notifyContent,
};
