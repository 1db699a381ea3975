// Folder records per account: a small stable numeric id per path (used inside message ids),
// the reverse map from id to path, and the folder's sync state once the sync engine tracks it.
import type { Database, RootDatabase } from 'lmdb';

/** What the last sync saw of a folder (RFC 3501 / RFC 7162 values). */
export interface FolderState {
  uidValidity: number;
  uidNext: number;
  /** decimal string: mod-sequences are 63-bit */
  highestModseq: string | null;
  messages: number;
  /** when a change was last seen, ms since epoch (busy folders are checked more often) */
  changedAt: number;
}

/** A folder that appeared after the account's first sync: what of its mail is new. */
export interface FoundLater {
  /** mail from this time on (ms; the later of this and notifyFrom) is new, older is its starting state */
  since: number;
  /** UIDVALIDITY of the folders that vanished as it appeared: the same one means a rename, nothing new */
  renamedFrom?: number[];
}

export interface MailboxRecord {
  id: number;
  sync?: FolderState;
  /** the sync engine has seen it in LIST (announced it), even if its first sync is pending */
  tracked?: true;
  /** it appeared after the account's first sync (or the account asked for older mail) */
  foundLater?: FoundLater;
  /** listed while the account's `path` left it out: watched again, it is a starting state (no flood) */
  outside?: true;
}

type PathKey = [string, string];
type IdKey = [string, number];

/** Key range covering every entry of one account in an [account, …] keyed database. */
const accountRange = (account: string) => ({ start: [account], end: [account + '\u0000'] });

export class MailboxStore {
  readonly #root: RootDatabase;
  readonly #byPath: Database<MailboxRecord, PathKey>;
  /** [account, id] → path; [account, 0] holds the last id handed out */
  readonly #byId: Database<string | number, IdKey>;

  constructor(root: RootDatabase) {
    this.#root = root;
    this.#byPath = root.openDB<MailboxRecord, PathKey>({ name: 'mailboxes', encoding: 'msgpack' });
    this.#byId = root.openDB<string | number, IdKey>({ name: 'mailboxIds', encoding: 'msgpack' });
  }

  get(account: string, path: string): MailboxRecord | undefined {
    return this.#byPath.get([account, path]);
  }

  pathOf(account: string, id: number): string | undefined {
    if (id < 1) return undefined;
    const path = this.#byId.get([account, id]);
    return typeof path === 'string' ? path : undefined;
  }

  /** Every folder record of the account, with its path. */
  list(account: string): { path: string; record: MailboxRecord }[] {
    return [...this.#byPath.getRange(accountRange(account))].map(({ key, value }) => ({ path: key[1], record: value }));
  }

  /** Record the sync state of a folder; inside the caller's write transaction. */
  setStateSync(account: string, path: string, id: number, sync: FolderState | undefined, foundLater?: FoundLater): void {
    const record: MailboxRecord = { id, tracked: true };
    if (sync) record.sync = sync;
    if (foundLater !== undefined) record.foundLater = foundLater;
    this.#byPath.putSync([account, path], record);
    this.#byId.putSync([account, id], path);
  }

  /** A folder the account's `path` leaves out: not tracked, its id kept (message ids of reads
   *  stay valid), marked `outside`; inside the caller's write transaction. */
  untrackSync(account: string, path: string): void {
    const record = this.#byPath.get([account, path]);
    if (record) this.#byPath.putSync([account, path], { id: record.id, outside: true });
  }

  /** Forget a folder inside the caller's write transaction. */
  removeFolderSync(account: string, path: string): void {
    const record = this.#byPath.get([account, path]);
    if (!record) return;
    this.#byPath.removeSync([account, path]);
    this.#byId.removeSync([account, record.id]);
  }

  /** A new id for `path` (its folder was reset), the old one forgotten; inside the caller's write transaction. */
  renumberSync(account: string, path: string): number {
    const record = this.#byPath.get([account, path]);
    const id = Number(this.#byId.get([account, 0]) ?? 0) + 1;
    if (record) this.#byId.removeSync([account, record.id]);
    this.#byPath.putSync([account, path], { ...record, id });
    this.#byId.putSync([account, id], path);
    this.#byId.putSync([account, 0], id);
    return id;
  }

  /** Ids for `paths`, allocating the missing ones in one write transaction. */
  async ensure(account: string, paths: string[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const missing: string[] = [];
    for (const path of paths) {
      const id = this.get(account, path)?.id;
      if (id) ids.set(path, id);
      else missing.push(path);
    }
    if (!missing.length) return ids;
    await this.#root.transaction(() => {
      let last = Number(this.#byId.get([account, 0]) ?? 0);
      for (const path of missing) {
        // re-read inside the transaction: another turn may have allocated it meanwhile
        const existing = this.#byPath.get([account, path])?.id;
        if (existing) { ids.set(path, existing); continue; }
        const id = ++last;
        this.#byPath.putSync([account, path], { id });
        this.#byId.putSync([account, id], path);
        ids.set(path, id);
      }
      this.#byId.putSync([account, 0], last);
    });
    return ids;
  }

  /**
   * A renamed folder (and its subfolders, which IMAP RENAME moves along) keeps its id; inside
   * the caller's write transaction. Returns what moved, so the caller can announce it.
   */
  renameSync(account: string, from: string, to: string, delimiter: string | null): { from: string; to: string; id: number; tracked: boolean }[] {
    const moved: { from: string; to: string; id: number; tracked: boolean }[] = [];
    for (const { key, value } of [...this.#byPath.getRange(accountRange(account))]) {
      const path = key[1];
      const child = delimiter !== null && path.startsWith(from + delimiter);
      if (path !== from && !child) continue;
      const renamed = to + path.slice(from.length);
      this.#byPath.removeSync(key);
      this.#byPath.putSync([account, renamed], value);
      this.#byId.putSync([account, value.id], renamed);
      moved.push({ from: path, to: renamed, id: value.id, tracked: value.tracked === true });
    }
    return moved;
  }

  /** Every folder record of the account (for removing the account). */
  async removeAccount(account: string): Promise<void> {
    await this.#root.transaction(() => {
      for (const key of [...this.#byPath.getKeys(accountRange(account))]) this.#byPath.removeSync(key);
      for (const key of [...this.#byId.getKeys(accountRange(account))]) this.#byId.removeSync(key);
    });
  }
}
