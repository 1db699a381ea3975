// Brings one selected folder's stored state up to date with the server and records what
// changed as events, in the same transactions as the state: a baseline on first sight or
// after a UIDVALIDITY change, else CONDSTORE/QRESYNC changes or a full UID/FLAGS diff.
// New messages older than the account's notifyFrom are stored without a messageNew.
import type { FetchMessageObject, ImapFlow, MailboxObject } from 'imapflow';
import { encodeMessageId } from '../ids.js';
import { ENTRY_QUERY, toEntry } from '../messages/entry.js';
import { folderSpecialUse } from '../imap/special-use.js';
import type { NewEvent } from '../events/types.js';
import type { FolderState, FoundLater } from '../store/mailboxes.js';
import { diffSorted, type FolderDiff, type UidFlags } from './diff.js';
import { encodeFlags, flagChanges, sameFlags, type StoredFlags } from '../store/flags.js';
import { commit, type SyncContext } from './stores.js';
import { isAnnounced, searchSince } from './notify-from.js';
import { newEvent } from '../schemas/event-data.js';
import type { MessageEntry } from '../schemas/message.js';

/** New messages are announced in commits of this many, so a burst is durable piecemeal. */
const NEW_CHUNK = 200;
const BASELINE_CHUNK = 5000;

export interface FolderHints {
  /** UIDs the server reported as expunged (QRESYNC VANISHED) since the last sync */
  vanished: Set<number>;
}

async function* serverList(client: ImapFlow, withFlags: boolean): AsyncIterable<UidFlags> {
  if (!client.mailbox || !client.mailbox.exists) return;
  for await (const m of client.fetch('1:*', withFlags ? { uid: true, flags: true } : { uid: true })) {
    yield { uid: m.uid, flags: withFlags ? encodeFlags(m.flags ?? []) : null };
  }
}

/** Stored state after a sync; `seen` is the highest MODSEQ a FETCH returned, which can be
 *  newer than the mailbox's HIGHESTMODSEQ as of SELECT (IDLE does not update that). */
function stateOf(mb: MailboxObject, changedAt: number, seen: bigint | null = null): FolderState {
  const best = mb.highestModseq !== undefined && (seen === null || mb.highestModseq > seen) ? mb.highestModseq : seen;
  return { uidValidity: Number(mb.uidValidity), uidNext: mb.uidNext, highestModseq: best === null ? null : best.toString(), messages: mb.exists, changedAt };
}

/** Store every message as known without announcing any (first sight, or after a reset), but
 *  those in `hold` and those that arrived after SELECT (UID ≥ its UIDNEXT, RFC 3501 §2.3.1.1):
 *  their UIDs and flags come back for the caller to announce. */
async function baseline(ctx: SyncContext, client: ImapFlow, path: string, previous: number, reset: NewEvent | null, hold = new Set<number>()): Promise<{ id: number; held: UidFlags[] }> {
  const { account, stores } = ctx;
  const mb = client.mailbox as MailboxObject;
  const arrived = mb.uidNext;
  let id = previous;
  await commit(ctx, () => {
    stores.uids.clearFolderSync(account, previous);
    if (!reset) return [];
    // after a reset the old UIDs name other messages: a new folder id makes every message id
    // made before it unknown (404), never a handle on whichever message now has that UID
    id = stores.mailboxes.renumberSync(account, path);
    return stores.events.appendSync([{ ...reset, data: { ...reset.data, mailboxId: id, previousMailboxId: previous } }]);
  });
  let batch: UidFlags[] = [];
  const held: UidFlags[] = [];
  const flush = () => commit(ctx, () => {
    for (const m of batch) stores.uids.putSync(account, id, m.uid, m.flags ?? 0);
    return [];
  });
  for await (const m of serverList(client, true)) {
    if (hold.has(m.uid) || m.uid >= arrived) { held.push(m); continue; }
    batch.push(m);
    if (batch.length >= BASELINE_CHUNK) { await flush(); batch = []; }
  }
  await commit(ctx, () => {
    for (const m of batch) stores.uids.putSync(account, id, m.uid, m.flags ?? 0);
    stores.mailboxes.setStateSync(account, path, id, stateOf(mb, Date.now()));
    return [];
  });
  return { id, held };
}

/** First sync of a folder that appeared after the account's first sync (created, filled by a
 *  server-side rule, renamed by another client): mail since it was found (and from notifyFrom
 *  on) is announced, older mail and a renamed folder's mail are its starting state. SEARCH
 *  SINCE narrows what is fetched to the recent days. */
async function firstLook(ctx: SyncContext, client: ImapFlow, path: string, id: number, found: FoundLater): Promise<void> {
  const mb = client.mailbox as MailboxObject;
  // servers keep UIDVALIDITY on RENAME (Dovecot, Cyrus): the folder that vanished is this one
  const renamed = found.renamedFrom?.includes(Number(mb.uidValidity)) === true;
  const from = renamed ? Number.MAX_SAFE_INTEGER : Math.max(ctx.notifyFrom(), found.since);
  const recent = mb.exists && !renamed ? await client.search({ since: searchSince(from) }, { uid: true }) : [];
  const { held } = await baseline(ctx, client, path, id, null, new Set(recent || []));
  await announce(ctx, client, path, id, held, from);
}

async function announce(ctx: SyncContext, client: ImapFlow, path: string, id: number, held: UidFlags[], from = ctx.notifyFrom()): Promise<void> {
  if (held.length) await apply(ctx, client, path, id, { added: held.map((m) => ({ uid: m.uid, flags: m.flags ?? 0 })), removed: [], changed: [] }, null, from);
}

/**
 * New and changed messages since the stored MODSEQ (RFC 7162 CHANGEDSINCE), removed ones from
 * QRESYNC VANISHED hints; when the counts do not add up to EXISTS, a full diff decides.
 */
async function changesSince(ctx: SyncContext, client: ImapFlow, id: number, state: FolderState, hints: FolderHints): Promise<{ diff: FolderDiff; seen: bigint | null }> {
  const { account, stores } = ctx;
  const mb = client.mailbox as MailboxObject;
  const diff: FolderDiff = { added: [], removed: [], changed: [] };
  let seen = BigInt(state.highestModseq ?? '0');
  // a message can come twice in one answer (a flag change the server also sent unsolicited,
  // RFC 3501 §7.4.2): the last state of each UID counts, once
  const latest = new Map<number, StoredFlags>();
  if (mb.exists) {
    for await (const m of client.fetch('1:*', { uid: true, flags: true }, { changedSince: seen })) {
      if (m.modseq !== undefined && m.modseq > seen) seen = m.modseq;
      latest.set(m.uid, encodeFlags(m.flags ?? []));
    }
  }
  for (const [uid, after] of latest) {
    const before = stores.uids.get(account, id, uid);
    if (before === undefined) diff.added.push({ uid, flags: after });
    else if (!sameFlags(before, after)) diff.changed.push({ uid, before, after });
  }
  for (const uid of hints.vanished) if (stores.uids.get(account, id, uid) !== undefined) diff.removed.push(uid);
  const known = stores.uids.count(account, id);
  if (known + diff.added.length - diff.removed.length !== mb.exists) {
    return { diff: await diffSorted(serverList(client, true), stores.uids.entries(account, id)), seen };
  }
  return { diff, seen };
}

interface Fetched { entry: MessageEntry; internalDate: Date | string | undefined }

async function entries(client: ImapFlow, uids: number[], mailbox: number): Promise<Map<number, Fetched>> {
  const out = new Map<number, Fetched>();
  const fetched: FetchMessageObject[] = [];
  for await (const m of client.fetch(uids.join(','), ENTRY_QUERY, { uid: true })) fetched.push(m);
  // messageNew carries the folder's special use as the list entries do
  const opts = { specialUse: client.mailbox ? folderSpecialUse(client.mailbox) : null };
  for (const m of fetched) out.set(m.uid, { entry: toEntry(m, mailbox, opts).entry, internalDate: m.internalDate });
  return out;
}

/** Record `diff` as state changes and events: new messages first, in committed chunks. */
async function apply(ctx: SyncContext, client: ImapFlow, path: string, id: number, diff: FolderDiff, seen: bigint | null, from = ctx.notifyFrom()): Promise<void> {
  const { account, stores } = ctx;
  const added = diff.added.sort((a, b) => a.uid - b.uid);
  const newEvents = (chunk: typeof added, details: Map<number, Fetched>): NewEvent[] => {
    const events: NewEvent[] = [];
    for (const m of chunk) {
      const fetched = details.get(m.uid);
      if (!fetched) continue; // expunged meanwhile: never announced, never stored
      stores.uids.putSync(account, id, m.uid, m.flags);
      if (isAnnounced(fetched.internalDate, from)) events.push(newEvent(account, path, 'messageNew', fetched.entry));
    }
    return events;
  };
  // all but the last chunk of new mail commit on their own, so a huge arrival is announced as it goes
  let last: { chunk: typeof added; details: Map<number, Fetched> } | null = null;
  for (let i = 0; i < added.length; i += NEW_CHUNK) {
    const chunk = added.slice(i, i + NEW_CHUNK);
    const details = await entries(client, chunk.map((m) => m.uid), id);
    if (i + NEW_CHUNK >= added.length) last = { chunk, details };
    else await commit(ctx, () => stores.events.appendSync(newEvents(chunk, details)));
  }
  const mb = client.mailbox as MailboxObject;
  // the last new messages, the deletions, the flag changes and the folder state: one commit
  // (steady mail is one message a sync: a second commit was a few ms more before its event)
  await commit(ctx, () => {
    const events: NewEvent[] = last ? newEvents(last.chunk, last.details) : [];
    for (const uid of diff.removed.sort((a, b) => a - b)) {
      stores.uids.removeSync(account, id, uid);
      events.push(newEvent(account, path, 'messageDeleted', { id: encodeMessageId({ mailbox: id, uid }), uid }));
    }
    for (const c of diff.changed) {
      stores.uids.putSync(account, id, c.uid, c.after);
      const { added: plus, removed: minus } = flagChanges(c.before, c.after);
      const flags = { ...(plus.length ? { added: plus } : {}), ...(minus.length ? { removed: minus } : {}) };
      events.push(newEvent(account, path, 'messageUpdated', { id: encodeMessageId({ mailbox: id, uid: c.uid }), uid: c.uid, changes: { flags } }));
    }
    const changed = events.length > 0 || added.length > 0;
    const prev = stores.mailboxes.get(account, path)?.sync?.changedAt ?? 0;
    stores.mailboxes.setStateSync(account, path, id, stateOf(mb, changed ? Date.now() : prev, seen));
    return stores.events.appendSync(events);
  });
}

/** Sync the folder currently selected on `client` (the caller holds its lock). */
export async function syncFolder(ctx: SyncContext, client: ImapFlow, path: string, hints: FolderHints): Promise<void> {
  const { account, stores } = ctx;
  const mb = client.mailbox as MailboxObject;
  const id = (await stores.mailboxes.ensure(account, [path])).get(path)!;
  const record = stores.mailboxes.get(account, path);
  const state = record?.sync;
  if (!state) {
    if (record?.foundLater !== undefined) return firstLook(ctx, client, path, id, record.foundLater);
    const { held } = await baseline(ctx, client, path, id, null);
    return announce(ctx, client, path, id, held);
  }
  if (state.uidValidity !== Number(mb.uidValidity)) {
    const reset = newEvent(account, path, 'mailboxReset', { uidValidity: String(mb.uidValidity), previousUidValidity: String(state.uidValidity) });
    const { id: renumbered, held } = await baseline(ctx, client, path, id, reset);
    return announce(ctx, client, path, renumbered, held);
  }
  const useModseq = ctx.strategy !== 'full' && state.highestModseq !== null && mb.highestModseq !== undefined;
  const { diff, seen } = useModseq
    ? await changesSince(ctx, client, id, state, hints)
    : { diff: await diffSorted(serverList(client, true), stores.uids.entries(account, id)), seen: null };
  hints.vanished.clear();
  ctx.log.debug({ path, strategy: useModseq ? ctx.strategy : 'full', added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length }, 'folder synced');
  await apply(ctx, client, path, id, diff, seen);
}
