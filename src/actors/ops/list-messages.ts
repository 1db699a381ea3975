// Paged message lists, newest first: the page maps to a sequence-number range counted from
// the end of the folder, so listing page 0 of a huge folder costs one small FETCH.
import type { FetchMessageObject, ImapFlow, MailboxObject } from 'imapflow';
import { pageBounds } from '../../schemas/common.js';
import type { MessageEntry, MessageList, SearchCriteria } from '../../schemas/message.js';
import { ENTRY_QUERY, toEntry } from '../../messages/entry.js';
import { toImapSearch } from '../../messages/search.js';
import { folderSpecialUse } from '../../imap/special-use.js';
import { mailboxIdOf, type OpContext } from './context.js';

export interface ListArgs { path: string; page: number; pageSize: number }

async function entries(client: ImapFlow, range: string, byUid: boolean, mailbox: number, folder: MailboxObject): Promise<MessageEntry[]> {
  const fetched: FetchMessageObject[] = [];
  for await (const msg of client.fetch(range, ENTRY_QUERY, { uid: byUid })) fetched.push(msg);
  // the folder's special use came with its SELECT (imapflow LISTs it once): no extra command
  const opts = { specialUse: folderSpecialUse(folder) };
  // sequence numbers follow UID order (RFC 3501 2.3.1.2), so UID descending is newest first
  return fetched.sort((a, b) => b.uid - a.uid).map((m) => toEntry(m, mailbox, opts).entry);
}

// The folder id is allocated only once EXAMINE found the folder: a GET never leaves a record
// of a folder that does not exist.
export function listMessages(ctx: OpContext, { path, page, pageSize }: ListArgs): Promise<MessageList> {
  return ctx.session.inMailbox(path, async (client, mailbox) => {
    const mailboxId = await mailboxIdOf(ctx, path);
    const total = mailbox.exists;
    const { pages, start, end } = pageBounds(total, page, pageSize);
    if (start >= end) return { total, page, pages, messages: [] };
    // newest first: entry k of the listing is sequence number total - k
    const range = `${total - end + 1}:${total - start}`;
    return { total, page, pages, messages: await entries(client, range, false, mailboxId, mailbox) };
  }, { deadline: ctx.deadline });
}

export function searchMessages(ctx: OpContext, args: ListArgs & { search: SearchCriteria }): Promise<MessageList> {
  return ctx.session.inMailbox(args.path, async (client, mailbox) => {
    const query = toImapSearch(args.search, client.capabilities);
    const mailboxId = await mailboxIdOf(ctx, args.path);
    const found = await client.search(query, { uid: true });
    const uids = (found || []).sort((a, b) => b - a);
    const { pages, start, end } = pageBounds(uids.length, args.page, args.pageSize);
    const slice = uids.slice(start, end);
    const messages = slice.length ? await entries(client, slice.join(','), true, mailboxId, mailbox) : [];
    return { total: uids.length, page: args.page, pages, messages };
  }, { deadline: ctx.deadline });
}
