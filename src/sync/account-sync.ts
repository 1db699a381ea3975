// Keeps one account in sync over its main connection: INBOX (or the one folder its `path`
// watches) on every IDLE notice (coalesced), the folder list and the other folders on a
// rotating STATUS sweep, everything at start-up and after each reconnect. Afterwards the
// connection goes straight back to IDLE there.
import type { ImapFlow, MailboxObject, StatusObject } from 'imapflow';
import { isSelectable } from '../imap/special-use.js';
import { Fifo } from '../lib/fifo.js';
import type { NewEvent } from '../events/types.js';
import { Coalescer } from './coalesce.js';
import { syncFolder, type FolderHints } from './folder-sync.js';
import { commit, type SyncContext } from './stores.js';
import type { FoundLater } from '../store/mailboxes.js';
import { newEvent } from '../schemas/event-data.js';

export interface SweepOptions {
  /** how often a quiet folder is checked, ms */
  interval: number;
  /** a folder that changed within the last `activeFor` ms is checked `interval / activeFactor` often */
  activeFor: number;
  activeFactor: number;
  /** coalescing of IDLE notices, ms */
  delay: number;
  maxWait: number;
}

const INBOX = 'INBOX';
/** Server and local clocks may differ a little: mail this much older than our last look may still be new. */
const CLOCK_SKEW = 2 * 60_000;
// the caller already has its answer; waiting a little lets a burst of writes share one sync
const WRITE_COALESCE = { delay: 10, maxWait: 100 };

export class AccountSync {
  readonly #ctx: SyncContext;
  readonly #client: ImapFlow;
  readonly #opts: SweepOptions;
  readonly #turns = new Fifo();
  readonly #hints = new Map<string, FolderHints>();
  /** INBOX, or the folder the account's `path` watches: IDLE listens there */
  readonly #idlePath: string;
  readonly #idleSync: Coalescer;
  /** folders other than the IDLE one changed through the API: a burst of writes syncs once */
  readonly #written = new Map<string, Coalescer>();
  readonly #checkedAt = new Map<string, number>();
  #sweepTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** the full pass after connecting is done: from then on every finished check counts as a sync */
  #started = false;
  readonly #synced: (at: Date) => void;
  /** when the last folder list was taken, ms (in memory: null after a restart) */
  #listedAt: number | null = null;

  constructor(ctx: SyncContext, client: ImapFlow, opts: SweepOptions, synced: (at: Date) => void = () => {}) {
    this.#ctx = ctx;
    // IDLE where events come from: INBOX, or the one folder the account's `path` watches
    this.#idlePath = ctx.watched ?? INBOX;
    this.#client = client;
    this.#opts = opts;
    this.#synced = synced;
    this.#idleSync = new Coalescer(() => this.#turn(() => this.#syncPath(this.#idlePath)), { delay: opts.delay, maxWait: opts.maxWait });
    client.on('exists', (e: { path: string }) => this.#notice(e.path));
    client.on('flags', (e: { path: string }) => this.#notice(e.path));
    client.on('expunge', (e: { path: string; uid?: number }) => {
      if (e.uid !== undefined) this.#hintsFor(e.path).vanished.add(e.uid);
      this.#notice(e.path);
    });
  }

  /** Full pass after (re)connecting: folder list, every folder, then IDLE on the IDLE folder. */
  async start(): Promise<void> {
    await this.#turn(async () => {
      await this.#syncFolderList();
      const tracked = this.#ctx.stores.mailboxes.list(this.#ctx.account).filter((m) => m.record.tracked).map((m) => m.path);
      for (const path of tracked) {
        if (path !== this.#idlePath) await this.#syncPath(path).catch((err: Error) => this.#ctx.log.warn({ path, err: err.message }, 'folder sync failed'));
      }
      await this.#syncPath(this.#idlePath);
      this.#started = true;
      this.#synced(new Date());
    });
    this.#scheduleSweep();
  }

  /** Compare the folder list now (after the API created or deleted a folder). */
  refreshFolders(): void {
    void this.#turn(() => this.#syncFolderList());
  }

  /** Folders changed through the API: sync them now, so their events follow at once. */
  touched(paths: readonly string[]): void {
    for (const path of new Set(paths)) {
      if (path === this.#idlePath) { this.#idleSync.notify(); continue; }
      let c = this.#written.get(path);
      if (!c) this.#written.set(path, (c = new Coalescer(() => this.#turn(() => this.#syncPath(path)), WRITE_COALESCE)));
      c.notify();
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#idleSync.stop();
    for (const c of this.#written.values()) c.stop();
    if (this.#sweepTimer) clearTimeout(this.#sweepTimer);
  }

  #notice(path: string): void {
    if (path === this.#idlePath) this.#idleSync.notify();
  }

  #hintsFor(path: string): FolderHints {
    let h = this.#hints.get(path);
    if (!h) this.#hints.set(path, (h = { vanished: new Set() }));
    return h;
  }

  #turn(fn: () => Promise<void>): Promise<void> {
    return this.#turns.run(async () => {
      if (this.#stopped || !this.#client.usable) return;
      try {
        await fn();
      } catch (err) {
        this.#ctx.log.warn({ err: (err as Error).message }, 'sync failed');
      } finally {
        // back to the IDLE folder so IDLE (auto-IDLE, no delay) listens where new mail arrives
        if (this.#client.usable && this.#client.mailbox && this.#client.mailbox.path !== this.#idlePath) {
          const inbox = await this.#client.mailboxOpen(this.#idlePath).catch(() => null);
          // what that folder did meanwhile comes with the SELECT (EXISTS, UIDNEXT, HIGHESTMODSEQ),
          // never as EXPUNGE or FETCH notices: compare, or it waits for the next sweep
          if (inbox && this.#movedSinceSync(inbox)) this.#idleSync.notify();
        }
      }
    });
  }

  #movedSinceSync(mb: MailboxObject): boolean {
    const s = this.#ctx.stores.mailboxes.get(this.#ctx.account, this.#idlePath)?.sync;
    if (!s) return false;
    return mb.exists !== s.messages || mb.uidNext !== s.uidNext || (mb.highestModseq !== undefined && s.highestModseq !== null && mb.highestModseq.toString() !== s.highestModseq);
  }

  /** With the account's `path` set, only that folder is watched; reads still reach every folder. */
  #watches(path: string): boolean {
    return this.#ctx.watched === null || this.#ctx.watched === path;
  }

  /** Select `path` (QRESYNC parameters when known) and sync it. */
  async #syncPath(path: string): Promise<void> {
    if (!this.#watches(path)) return;
    const state = this.#ctx.stores.mailboxes.get(this.#ctx.account, path)?.sync;
    const qresync = this.#ctx.strategy === 'qresync' && state?.highestModseq ? { changedSince: state.highestModseq, uidValidity: state.uidValidity } : {};
    const lock = await this.#client.getMailboxLock(path, { description: 'sync', ...qresync });
    try {
      await syncFolder(this.#ctx, this.#client, path, this.#hintsFor(path));
      this.#checkedAt.set(path, Date.now());
      if (this.#started) this.#synced(new Date());
    } finally {
      lock.release();
    }
  }

  /** LIST against the tracked folders: mailboxNew / mailboxDeleted (silent on first sync). */
  async #syncFolderList(): Promise<void> {
    const { account, stores } = this.#ctx;
    const listedAt = Date.now();
    const selectable = (await this.#client.list()).filter(isSelectable);
    const listed = selectable.filter((m) => this.#watches(m.path));
    const all = stores.mailboxes.list(account);
    const known = new Map(all.map((r) => [r.path, r.record]));
    // a folder no longer watched (the account's path changed) is dropped without an event
    const unwatched = all.filter((r) => r.record.tracked && !this.#watches(r.path));
    // folders left out by the path are remembered as such: watched again, they are a starting state
    const outside = selectable.filter((m) => !this.#watches(m.path) && !known.get(m.path)?.outside).map((m) => m.path);
    const records = all.filter((r) => !unwatched.includes(r));
    // first sync: nothing tracked yet and no folder list taken in this session (with a `path`
    // naming a folder that does not exist yet, nothing is tracked for a while)
    const firstSync = !records.some((r) => r.record.tracked) && this.#listedAt === null;
    // announced folders count even before their first sync, so a quick delete is still reported
    const tracked = new Map(records.filter((r) => r.record.tracked).map((r) => [r.path, r.record]));
    const names = new Set(listed.map((m) => m.path));
    const fresh = listed.filter((m) => !tracked.has(m.path));
    const ids = await stores.mailboxes.ensure(account, [...fresh.map((m) => m.path), ...outside]);
    const vanished = [...tracked].filter(([path]) => !names.has(path)).flatMap(([, r]) => (r.sync ? [r.sync.uidValidity] : []));
    const later: FoundLater = { since: this.#listedAt === null ? 0 : this.#listedAt - CLOCK_SKEW, ...(vanished.length ? { renamedFrom: vanished } : {}) };
    // the account asked for mail older than itself (notifyFrom before it was added): its first
    // sync announces that mail, as folders found later do
    const first: FoundLater | undefined = this.#ctx.backfill ? { since: 0 } : undefined;
    this.#listedAt = listedAt;
    await commit(this.#ctx, () => {
      const events: NewEvent[] = [];
      for (const { record } of unwatched) stores.uids.clearFolderSync(account, record.id);
      for (const path of outside) stores.mailboxes.untrackSync(account, path);
      for (const [path, record] of tracked) {
        if (names.has(path)) continue;
        stores.uids.clearFolderSync(account, record.id);
        stores.mailboxes.removeFolderSync(account, path);
        events.push(newEvent(account, path, 'mailboxDeleted', { path, mailboxId: record.id }));
      }
      for (const m of fresh) {
        // found later: its recent mail is new to whoever reads the events (folder-sync firstLook)
        // a folder `path` left out and now watched again is a starting state, like a first sync
        const outsideBefore = known.get(m.path)?.outside === true;
        const quiet = firstSync || outsideBefore;
        stores.mailboxes.setStateSync(account, m.path, ids.get(m.path)!, undefined, outsideBefore ? undefined : firstSync ? first : later);
        if (!quiet) events.push(newEvent(account, m.path, 'mailboxNew', { path: m.path, mailboxId: ids.get(m.path)!, ...(m.specialUse ? { specialUse: m.specialUse } : {}) }));
      }
      return stores.events.appendSync(events);
    });
    for (const m of fresh) {
      // one folder gone again (or refusing SELECT) must not stop the others
      await this.#syncPath(m.path).catch((err: Error) => this.#ctx.log.debug({ path: m.path, err: err.message }, 'first sync of a folder failed'));
    }
  }

  #scheduleSweep(): void {
    if (this.#stopped) return;
    const tick = Math.max(250, Math.floor(this.#opts.interval / this.#opts.activeFactor));
    this.#sweepTimer = setTimeout(() => {
      void this.#turn(() => this.#sweep()).finally(() => this.#scheduleSweep());
    }, tick);
  }

  /** Check the folders that are due: STATUS first, a sync only when something moved. */
  async #sweep(): Promise<void> {
    const { account, stores, strategy } = this.#ctx;
    const now = Date.now();
    if (now - (this.#checkedAt.get('\u0000list') ?? 0) >= this.#opts.interval) {
      await this.#syncFolderList();
      this.#checkedAt.set('\u0000list', now);
    }
    for (const { path, record } of stores.mailboxes.list(account)) {
      if (!record.tracked) continue;
      // announced but never synced (it vanished or failed right away): try again now
      if (!record.sync) { await this.#syncPath(path).catch(() => undefined); continue; }
      const active = now - record.sync.changedAt < this.#opts.activeFor;
      const every = active ? this.#opts.interval / this.#opts.activeFactor : this.#opts.interval;
      if (now - (this.#checkedAt.get(path) ?? 0) < every) continue;
      this.#checkedAt.set(path, now);
      // the IDLE folder is selected and IDLE reports it; the periodic pass is a safety net only
      if (path === this.#idlePath) { await this.#syncPath(this.#idlePath); continue; }
      // a folder gone meanwhile (Dovecot: NO for STATUS) must not end the sweep of the others
      const status: StatusObject | false = await this.#client.status(path, { messages: true, uidNext: true, uidValidity: true, highestModseq: strategy !== 'full' }).catch(() => false as const);
      if (!status) continue; // gone: the next folder-list pass reports it
      const s = record.sync;
      const moved = status.messages !== s.messages || status.uidNext !== s.uidNext || Number(status.uidValidity) !== s.uidValidity
        || strategy === 'full' || (status.highestModseq !== undefined && status.highestModseq.toString() !== s.highestModseq);
      if (moved) await this.#syncPath(path);
    }
  }
}

