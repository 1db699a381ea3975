// Consumer positions in the event log: [consumer, account] → last event id handled (delivered,
// skipped by a filter or parked). Moves are gathered for a few ms and written as one put per
// account; a value not yet committed is kept in memory, so get() never goes back.
import type { Database, RootDatabase } from 'lmdb';

type Key = [string, string];

/**
 * How long moves are gathered before they are written. A crash loses at most this much
 * progress: those events are delivered again (delivery is at least once), none is skipped.
 */
const GATHER_MS = 20;

export class CursorStore {
  readonly #db: Database<number, Key>;
  readonly #consumer: string;
  /** positions set and not yet committed */
  readonly #unflushed = new Map<string, number>();
  /** accounts whose position moved since the last write */
  readonly #dirty = new Set<string>();
  readonly #writes = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | null = null;
  /** closing: moves are kept in memory only (the store is about to close under them) */
  #closed = false;

  constructor(root: RootDatabase, consumer: string) {
    this.#db = root.openDB<number, Key>({ name: 'cursors', encoding: 'msgpack' });
    this.#consumer = consumer;
  }

  /** Last id handled for `account`, 0 when none. */
  get(account: string): number {
    return this.#unflushed.get(account) ?? this.#db.get([this.#consumer, account]) ?? 0;
  }

  /** Move the cursor; written within GATHER_MS together with the other moves. */
  set(account: string, id: number): void {
    this.#unflushed.set(account, id);
    this.#dirty.add(account);
    if (!this.#closed) this.#timer ??= setTimeout(() => this.#write(), GATHER_MS);
  }

  /** Resolves once every set() so far is committed. */
  async flushed(): Promise<void> {
    this.#write();
    await Promise.allSettled([...this.#writes]);
  }

  /** Write what is pending and take no more writes: the environment closes next. */
  close(): Promise<void> {
    const done = this.flushed();
    this.#closed = true;
    return done;
  }

  #write(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const account of this.#dirty) {
      const id = this.#unflushed.get(account)!;
      const write = this.#db.put([this.#consumer, account], id).finally(() => {
        this.#writes.delete(write);
        if (this.#unflushed.get(account) === id) this.#unflushed.delete(account);
      });
      this.#writes.add(write);
    }
    this.#dirty.clear();
  }
}
