// Folder ops: list (with counts), create, rename, delete.
import type { ListResponse } from 'imapflow';
import type { MailboxCreated, MailboxDeleted, MailboxEntry, MailboxRenamed } from '../../schemas/mailbox.js';
import type { OpContext } from './context.js';

// Names servers use for special folders when they do not announce SPECIAL-USE (RFC 6154).
const FALLBACK_NAMES: Record<string, string> = {
  sent: '\\Sent', 'sent items': '\\Sent', 'sent mail': '\\Sent', 'sent messages': '\\Sent',
  drafts: '\\Drafts', draft: '\\Drafts', trash: '\\Trash', 'deleted items': '\\Trash', 'deleted messages': '\\Trash', bin: '\\Trash',
  junk: '\\Junk', spam: '\\Junk', 'junk e-mail': '\\Junk', 'bulk mail': '\\Junk', archive: '\\Archive', archives: '\\Archive', 'all mail': '\\All',
};

function specialUse(m: ListResponse): string | null {
  if (m.specialUse) return m.specialUse;
  if (m.path.toUpperCase() === 'INBOX') return '\\Inbox';
  return FALLBACK_NAMES[m.name.toLowerCase()] ?? null;
}

export async function listMailboxes(ctx: OpContext): Promise<{ mailboxes: MailboxEntry[] }> {
  const list = await ctx.reads.withClient((c) => c.list({ statusQuery: { messages: true, uidNext: true, unseen: true } }));
  const selectable = list.filter((m) => !m.flags?.has('\\Noselect') && !m.flags?.has('\\NonExistent'));
  const ids = await ctx.mailboxes.ensure(ctx.account, selectable.map((m) => m.path));
  const mailboxes = selectable.map((m): MailboxEntry => {
    const entry: MailboxEntry = {
      path: m.path,
      name: m.name,
      delimiter: m.delimiter ?? null,
      parentPath: m.parentPath || null,
      specialUse: specialUse(m),
      subscribed: !!m.subscribed,
      listed: m.listed !== false,
      messages: m.status?.messages ?? 0,
      uidNext: m.status?.uidNext ?? 0,
      mailboxId: ids.get(m.path)!,
    };
    if (m.status?.unseen !== undefined) entry.unseen = m.status.unseen;
    return entry;
  });
  return { mailboxes };
}

export async function createMailbox(ctx: OpContext, { path }: { path: string }): Promise<MailboxCreated> {
  const res = await ctx.reads.withClient((c) => c.mailboxCreate(path));
  const ids = await ctx.mailboxes.ensure(ctx.account, [res.path]);
  ctx.foldersChanged();
  return { path: res.path, mailboxId: ids.get(res.path)!, created: res.created };
}

export async function renameMailbox(ctx: OpContext, { path, newPath }: { path: string; newPath: string }): Promise<MailboxRenamed> {
  const res = await ctx.reads.withClient(async (c) => {
    const delimiter = (await c.list()).find((m) => m.path === path)?.delimiter ?? null;
    return { ...(await c.mailboxRename(path, newPath)), delimiter };
  }, path);
  await ctx.mailboxes.rename(ctx.account, res.path, res.newPath, res.delimiter);
  return { path: res.path, newPath: res.newPath, renamed: true };
}

export async function deleteMailbox(ctx: OpContext, { path }: { path: string }): Promise<MailboxDeleted> {
  const res = await ctx.reads.withClient((c) => c.mailboxDelete(path), path);
  // the sync engine forgets the folder (and says mailboxDeleted) in the same transaction
  ctx.foldersChanged();
  return { path: res.path, deleted: true };
}
