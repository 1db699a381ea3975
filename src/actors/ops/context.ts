// What an op gets to work with: the account's API connection, folder records, the event log
// for what it changes, and its caller's deadline; nothing more (not the whole actor).
import type { Logger } from '../../log.js';
import type { NewEvent } from '../../events/types.js';
import type { MailboxStore } from '../../store/mailboxes.js';
import type { ApiSession } from '../api-session.js';
import { ApiError } from '../../errors.js';

export interface OpContext {
  account: string;
  session: ApiSession;
  mailboxes: MailboxStore;
  log: Logger;
  /** absolute Date.now() after which the caller no longer waits */
  deadline: number;
  /** who the account is: its name and its own addresses (lower-cased), for From and reply-all */
  identity: { name: string; addresses: string[]; canSend: boolean };
  /** tell the sync engine the folder list changed */
  foldersChanged(): void;
  /** tell the sync engine these folders' messages changed, so it syncs them now */
  touched(paths: readonly string[]): void;
  /** one write transaction with the events it causes; published once committed */
  commit(fn: () => NewEvent[]): Promise<void>;
}

/** Path of folder `id` of the account, or a 404 when no such folder is known. */
export function pathOf(ctx: OpContext, id: number, messageId: string): string {
  const path = ctx.mailboxes.pathOf(ctx.account, id);
  if (path === undefined) throw new ApiError('MessageNotFound', `Message "${messageId}" does not exist (unknown folder)`, { id: messageId });
  return path;
}

/** The folder id for `path`, allocated on first sight: call it only once the folder is known to exist. */
export async function mailboxIdOf(ctx: OpContext, path: string): Promise<number> {
  const known = ctx.mailboxes.get(ctx.account, path)?.id;
  if (known) return known;
  return (await ctx.mailboxes.ensure(ctx.account, [path])).get(path)!;
}
