// What an op gets to work with: the account's read connection and folder records, nothing
// more (not the whole actor).
import type { Logger } from '../../log.js';
import type { MailboxStore } from '../../store/mailboxes.js';
import type { ReadSession } from '../read-session.js';
import { ApiError } from '../../errors.js';

export interface OpContext {
  account: string;
  reads: ReadSession;
  mailboxes: MailboxStore;
  log: Logger;
  /** tell the sync engine the folder list changed */
  foldersChanged(): void;
}

/** Path of folder `id` of the account, or a 404 when no such folder is known. */
export function pathOf(ctx: OpContext, id: number, messageId: string): string {
  const path = ctx.mailboxes.pathOf(ctx.account, id);
  if (path === undefined) throw new ApiError('MessageNotFound', `Message "${messageId}" does not exist (unknown folder)`, { id: messageId });
  return path;
}

/** The folder id for `path`, allocated on first sight. */
export async function mailboxIdOf(ctx: OpContext, path: string): Promise<number> {
  const known = ctx.mailboxes.get(ctx.account, path)?.id;
  if (known) return known;
  return (await ctx.mailboxes.ensure(ctx.account, [path])).get(path)!;
}
