// Folder ops: list (with counts), create, rename, delete. Changes made here are announced as
// the sync engine announces changes made elsewhere (mailboxNew, mailboxDeleted).
import type { MailboxCreated, MailboxDeleted, MailboxEntry, MailboxRenamed } from '../../schemas/mailbox.js';
import { isSelectable, specialUseOf } from '../../imap/special-use.js';
import { validationError } from '../../errors.js';
import { newEvent } from '../../schemas/event-data.js';
import type { OpContext } from './context.js';

export async function listMailboxes(ctx: OpContext): Promise<{ mailboxes: MailboxEntry[] }> {
  const list = await ctx.session.withClient((c) => c.list({ statusQuery: { messages: true, uidNext: true, unseen: true } }), { deadline: ctx.deadline });
  const selectable = list.filter(isSelectable);
  const ids = await ctx.mailboxes.ensure(ctx.account, selectable.map((m) => m.path));
  const mailboxes = selectable.map((m): MailboxEntry => {
    const entry: MailboxEntry = {
      path: m.path,
      name: m.name,
      parentPath: m.parentPath ?? '',
      subscribed: !!m.subscribed,
      listed: m.listed !== false,
      messages: m.status?.messages ?? 0,
      uidNext: m.status?.uidNext ?? 0,
      mailboxId: ids.get(m.path)!,
    };
    if (m.delimiter) entry.delimiter = m.delimiter;
    const specialUse = specialUseOf(m);
    if (specialUse) entry.specialUse = specialUse;
    if (m.status?.unseen !== undefined) entry.unseen = m.status.unseen;
    return entry;
  });
  return { mailboxes };
}

/** An array path (the original IMAP API's form) joins with the server's delimiter, as imapflow
 *  does, and gets the personal namespace prefix (RFC 2342) as a string path does. */
export async function createMailbox(ctx: OpContext, { path }: { path: string | string[] }): Promise<MailboxCreated> {
  const res = await ctx.session.withClient((c) => {
    if (Array.isArray(path) && path.length > 1 && !c.namespace?.delimiter) {
      throw validationError([{ field: 'path', reason: 'has several parts, but the server has no folder hierarchy' }]);
    }
    return c.mailboxCreate(path);
  }, { made: { path: Array.isArray(path) ? path.join('/') : path, field: 'path' }, deadline: ctx.deadline });
  const ids = await ctx.mailboxes.ensure(ctx.account, [res.path]);
  ctx.foldersChanged();
  return { path: res.path, mailboxId: String(ids.get(res.path)!), created: res.created };
}

export async function renameMailbox(ctx: OpContext, { path, newPath }: { path: string; newPath: string }): Promise<MailboxRenamed> {
  const res = await ctx.session.withClient(async (c) => {
    const found = (await c.list()).find((m) => m.path === path);
    return { ...(await c.mailboxRename(path, newPath)), delimiter: found?.delimiter ?? null, specialUse: found?.specialUse ?? null };
  }, { path, made: { path: newPath, field: 'newPath' }, deadline: ctx.deadline });
  const { account } = ctx;
  // Ids stay with the renamed folders (message ids keep working); consumers learn of the
  // rename as of one made elsewhere: the old paths go, the new ones come.
  await ctx.commit(() => ctx.mailboxes.renameSync(account, res.path, res.newPath, res.delimiter).flatMap(({ from, to, id, tracked }) => (tracked ? [
    newEvent(account, from, 'mailboxDeleted', { path: from, mailboxId: id }),
    newEvent(account, to, 'mailboxNew', { path: to, mailboxId: id, ...(from === res.path && res.specialUse ? { specialUse: res.specialUse } : {}) }),
  ] : [])));
  return { path: res.path, newPath: res.newPath, renamed: true };
}

export async function deleteMailbox(ctx: OpContext, { path }: { path: string }): Promise<MailboxDeleted> {
  // RFC 3501 §6.3.4: deleting INBOX is an error, and INBOX is case-insensitive (§5.1)
  if (/^inbox$/i.test(path)) throw validationError([{ field: 'path', reason: 'is INBOX, which cannot be deleted' }], 'INBOX cannot be deleted');
  const res = await ctx.session.withClient((c) => c.mailboxDelete(path), { path, deadline: ctx.deadline });
  // the sync engine forgets the folder (and says mailboxDeleted) in the same transaction
  ctx.foldersChanged();
  return { path: res.path, deleted: true };
}
