// Paged message lists, newest first: the page maps to a sequence-number range counted from
// the end of the folder, so listing page 0 of a huge folder costs one small FETCH.
import type { FetchMessageObject, ImapFlow, MailboxObject } from 'imapflow';
import { pageBounds } from '../../schemas/common.js';
import type { MessageEntry, MessageList, SearchCriteria } from '../../schemas/message.js';
import { ENTRY_QUERY, STATE_QUERY, refreshed, toEntry } from '../../messages/entry.js';
import type { FolderEntries } from '../../messages/entry-cache.js';
import { toImapSearch } from '../../messages/search.js';
import { folderSpecialUse } from '../../imap/special-use.js';
import { mailboxIdOf, type OpContext } from './context.js';

export interface ListArgs { path: string; page: number; pageSize: number }

/** The page's FETCH answers, read in the IMAP turn; turned into entries after it (entriesOf):
 *  `fresh` in full, `known` (entries listed lately) as their current flags only. */
interface Fetched {
  total: number; page: number; pages: number; mailbox: number; folder: MailboxObject; cache: FolderEntries | null;
  fresh: FetchMessageObject[]; known: { entry: MessageEntry; state: FetchMessageObject }[];
}
type Page = Pick<Fetched, 'fresh' | 'known'>;

async function fetchRange(client: ImapFlow, range: string, byUid: boolean, query: typeof ENTRY_QUERY | typeof STATE_QUERY): Promise<FetchMessageObject[]> {
  const fetched: FetchMessageObject[] = [];
  for await (const msg of client.fetch(range, query, { uid: byUid })) fetched.push(msg);
  return fetched;
}

// A folder whose last page was mostly known is asked for flags first and then only for the
// messages it does not know (one cheap FETCH instead of envelopes and structures to parse).
async function fetchPage(client: ImapFlow, range: string, byUid: boolean, cache: FolderEntries): Promise<Page> {
  if (!cache.warm) return { fresh: await fetchRange(client, range, byUid, ENTRY_QUERY), known: [] };
  const known: Page['known'] = [];
  const missing: number[] = [];
  for (const state of await fetchRange(client, range, byUid, STATE_QUERY)) {
    const entry = cache.get(state.uid);
    if (entry) known.push({ entry, state });
    else missing.push(state.uid);
  }
  // gone between the two FETCHes, a message is simply not listed
  const fresh = missing.length ? await fetchRange(client, missing.join(','), true, ENTRY_QUERY) : [];
  return { fresh, known };
}

// Built once the connection is free again: the next read's FETCH is already on its way while
// this one's entries are made (concurrent reads of one account take turns on one connection).
function entriesOf({ total, page, pages, mailbox, folder, cache, fresh, known }: Fetched): MessageList {
  // the folder's special use came with its SELECT (imapflow LISTs it once): no extra command
  const opts = { specialUse: folderSpecialUse(folder) };
  const messages: MessageEntry[] = known.map(({ entry, state }) => refreshed(entry, state, opts));
  let seen = known.length;
  for (const m of fresh) {
    if (cache?.get(m.uid)) seen++;
    const { entry } = toEntry(m, mailbox, opts);
    cache?.put(entry);
    messages.push(entry);
  }
  cache?.saw(seen, messages.length);
  // sequence numbers follow UID order (RFC 3501 2.3.1.2), so UID descending is newest first
  messages.sort((a, b) => b.uid - a.uid);
  return { total, page, pages, messages };
}

// The folder id is allocated only once EXAMINE found the folder: a GET never leaves a record
// of a folder that does not exist.
export async function listMessages(ctx: OpContext, { path, page, pageSize }: ListArgs): Promise<MessageList> {
  return entriesOf(await ctx.session.inMailbox(path, async (client, folder): Promise<Fetched> => {
    const mailbox = await mailboxIdOf(ctx, path);
    const total = folder.exists;
    const { pages, start, end } = pageBounds(total, page, pageSize);
    if (start >= end) return { total, page, pages, mailbox, folder, cache: null, fresh: [], known: [] };
    const cache = ctx.session.entries.folder(path, mailbox, folder.uidValidity);
    // newest first: entry k of the listing is sequence number total - k
    const got = await fetchPage(client, `${total - end + 1}:${total - start}`, false, cache);
    return { total, page, pages, mailbox, folder, cache, ...got };
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
    const cache = ctx.session.entries.folder(args.path, mailbox, folder.uidValidity);
    const got = slice.length ? await fetchPage(client, slice.join(','), true, cache) : { fresh: [], known: [] };
    return { total: uids.length, page: args.page, pages, mailbox, folder, cache, ...got };
  }, { deadline: ctx.deadline }));
}
