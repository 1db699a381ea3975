// Consumer positions in the event log: [consumer, account] → last event id handled (delivered,
// skipped by a filter or parked). Written asynchronously, so a value not yet committed is
// kept in memory and get() never goes back to an older position.
import type { Database, RootDatabase } from 'lmdb';

type Key = [string, string];

export class CursorStore {
  readonly #db: Database<number, Key>;
  readonly #consumer: string;
  readonly #unflushed = new Map<string, number>();
  readonly #writes = new Set<Promise<unknown>>();

  constructor(root: RootDatabase, consumer: string) {
    this.#db = root.openDB<number, Key>({ name: 'cursors', encoding: 'msgpack' });
    this.#consumer = consumer;
  }

  /** Last id handled for `account`, 0 when none. */
  get(account: string): number {
    return this.#unflushed.get(account) ?? this.#db.get([this.#consumer, account]) ?? 0;
  }

  /** Move the cursor; lmdb-js batches these puts into few transactions. */
  set(account: string, id: number): void {
    this.#unflushed.set(account, id);
    const write = this.#db.put([this.#consumer, account], id).finally(() => {
      this.#writes.delete(write);
      if (this.#unflushed.get(account) === id) this.#unflushed.delete(account);
    });
    this.#writes.add(write);
  }

  /** Resolves once every set() so far is committed. */
  async flushed(): Promise<void> {
    await Promise.allSettled([...this.#writes]);
  }
}
