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

/** The page's FETCH answers, read in the IMAP turn; turned into entries after it (entriesOf). */
interface Fetched { total: number; page: number; pages: number; mailbox: number; folder: MailboxObject; fetched: FetchMessageObject[] }

async function fetchRange(client: ImapFlow, range: string, byUid: boolean): Promise<FetchMessageObject[]> {
  const fetched: FetchMessageObject[] = [];
  for await (const msg of client.fetch(range, ENTRY_QUERY, { uid: byUid })) fetched.push(msg);
  return fetched;
}

// Built once the connection is free again: the next read's FETCH is already on its way while
// this one's entries are made (concurrent reads of one account take turns on one connection).
function entriesOf({ total, page, pages, mailbox, folder, fetched }: Fetched): MessageList {
  // the folder's special use came with its SELECT (imapflow LISTs it once): no extra command
  const opts = { specialUse: folderSpecialUse(folder) };
  // sequence numbers follow UID order (RFC 3501 2.3.1.2), so UID descending is newest first
  const messages: MessageEntry[] = fetched.sort((a, b) => b.uid - a.uid).map((m) => toEntry(m, mailbox, opts).entry);
  return { total, page, pages, messages };
}

// The folder id is allocated only once EXAMINE found the folder: a GET never leaves a record
// of a folder that does not exist.
export async function listMessages(ctx: OpContext, { path, page, pageSize }: ListArgs): Promise<MessageList> {
  return entriesOf(await ctx.session.inMailbox(path, async (client, folder): Promise<Fetched> => {
    const mailbox = await mailboxIdOf(ctx, path);
    const total = folder.exists;
    const { pages, start, end } = pageBounds(total, page, pageSize);
    if (start >= end) return { total, page, pages, mailbox, folder, fetched: [] };
    // newest first: entry k of the listing is sequence number total - k
    const fetched = await fetchRange(client, `${total - end + 1}:${total - start}`, false);
    return { total, page, pages, mailbox, folder, fetched };
  }, { deadline: ctx.deadline }));
}

export async function searchMessages(ctx: OpContext, args: ListArgs & { search: SearchCriteria }): Promise<MessageList> {
  return entriesOf(await ctx.session.inMailbox(args.path, async (client, folder): Promise<Fetched> => {
    const query = toImapSearch(args.search, client.capabilities);
    const mailbox = await mailboxIdOf(ctx, args.path);
    const found = await client.search(query, { uid: true });
    const uids = (found || []).sort((a, b) => b - a);
    const { pages, start, end } = pageBounds(uids.length, args.page, args.pageSize);
    const slice = uids.slice(start, end);
    const fetched = slice.length ? await fetchRange(client, slice.join(','), true) : [];
    return { total: uids.length, page: args.page, pages, mailbox, folder, fetched };
  }, { deadline: ctx.deadline }));
}
