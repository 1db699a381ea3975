// Known messages per folder: [account, mailboxId, uid] → stored flags. Iterated in UID order
// so diffs stream against the server's list instead of loading a folder into memory.
import type { Database, RootDatabase } from 'lmdb';
import type { StoredFlags } from './flags.js';

type Key = [string, number, number];

export class UidStore {
  readonly #db: Database<StoredFlags, Key>;

  constructor(root: RootDatabase) {
    this.#db = root.openDB<StoredFlags, Key>({ name: 'uids', encoding: 'msgpack' });
  }

  get(account: string, mailbox: number, uid: number): StoredFlags | undefined {
    return this.#db.get([account, mailbox, uid]);
  }

  /** Known UIDs of a folder with their flags, ascending (lazy). */
  entries(account: string, mailbox: number, fromUid = 0): Iterable<{ uid: number; flags: StoredFlags }> {
    const range = this.#db.getRange({ start: [account, mailbox, fromUid], end: [account, mailbox + 1] });
    return range.map(({ key, value }) => ({ uid: key[2], flags: value }));
  }

  count(account: string, mailbox: number): number {
    return this.#db.getKeysCount({ start: [account, mailbox, 0], end: [account, mailbox + 1] });
  }

  /** Writes below must run inside a write transaction of the caller. */
  putSync(account: string, mailbox: number, uid: number, flags: StoredFlags): void {
    this.#db.putSync([account, mailbox, uid], flags);
  }

  removeSync(account: string, mailbox: number, uid: number): void {
    this.#db.removeSync([account, mailbox, uid]);
  }

  clearFolderSync(account: string, mailbox: number): void {
    for (const key of [...this.#db.getKeys({ start: [account, mailbox, 0], end: [account, mailbox + 1] })]) this.#db.removeSync(key);
  }

  clearAccountSync(account: string): void {
    for (const key of [...this.#db.getKeys({ start: [account], end: [account + '\u0000'] })]) this.#db.removeSync(key);
  }
}
