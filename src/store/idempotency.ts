// Idempotency keys of submissions: [account, key] → the first answer, kept 24 hours, so a client
// that retries a request it did not hear back from never sends the message twice.
import type { Database, RootDatabase } from 'lmdb';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

interface Entry { answer: unknown; at: number }
type Key = [string, string];

export class IdempotencyStore {
  readonly #db: Database<Entry, Key>;

  constructor(root: RootDatabase) {
    this.#db = root.openDB<Entry, Key>({ name: 'idempotency', encoding: 'msgpack' });
  }

  /** The first answer given for `key`, while it is fresh. */
  get(account: string, key: string, now = Date.now()): unknown {
    const e = this.#db.get([account, key]);
    return e && now - e.at < IDEMPOTENCY_TTL_MS ? e.answer : undefined;
  }

  /** Inside the caller's write transaction (the one that queues the submission). */
  putSync(account: string, key: string, answer: unknown, now = Date.now()): void {
    this.#db.putSync([account, key], { answer, at: now });
  }

  /** Drop the expired keys of the accounts `owns` accepts, in batches; returns how many. */
  async prune(owns: (account: string) => boolean, now = Date.now(), batch = 5000): Promise<number> {
    let removed = 0;
    for (;;) {
      const stale: Key[] = [];
      for (const { key, value } of this.#db.getRange()) {
        if (now - value.at >= IDEMPOTENCY_TTL_MS && owns(key[0])) stale.push(key);
        if (stale.length >= batch) break;
      }
      if (!stale.length) return removed;
      await Promise.all(stale.map((k) => this.#db.remove(k)));
      removed += stale.length;
      if (stale.length < batch) return removed;
    }
  }
}
