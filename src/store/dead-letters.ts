// Parked webhook events (the dead-letter list): event id → the event as it was, why it could
// not be delivered and how often it was tried, plus an [account, id] index for filtering.
import type { Database, RootDatabase } from 'lmdb';
import type { StoredEvent } from '../events/types.js';

export interface DeadLetterRecord {
  /** a copy: the log drops the event when it leaves the retention window */
  event: StoredEvent;
  /** the receiver's status on the last attempt, null when it did not answer */
  status: number | null;
  reason: string;
  attempts: number;
  parkedAt: string;
}

type IndexKey = [string, number];

const MAX = Number.MAX_SAFE_INTEGER;
/** Key range of one account's entries, oldest first. */
const accountRange = (account: string) => ({ start: [account, 0] as IndexKey, end: [account, MAX] as IndexKey });
/** The same, newest first (a reverse range starts at its high end). */
const accountRangeDown = (account: string) => ({ start: [account, MAX] as IndexKey, end: [account, 0] as IndexKey, reverse: true });

export class DeadLetterStore {
  readonly #db: Database<DeadLetterRecord, number>;
  readonly #byAccount: Database<number, IndexKey>;

  constructor(root: RootDatabase) {
    this.#db = root.openDB<DeadLetterRecord, number>({ name: 'deadLetters', encoding: 'msgpack' });
    this.#byAccount = root.openDB<number, IndexKey>({ name: 'deadLetterAccounts', encoding: 'msgpack' });
  }

  /** Park (or update) an entry; both puts land in the same batched transaction. */
  put(record: DeadLetterRecord): Promise<unknown> {
    const { id, account } = record.event;
    return Promise.all([this.#db.put(id, record), this.#byAccount.put([account, id], 1)]);
  }

  remove(id: number, account: string): Promise<unknown> {
    return Promise.all([this.#db.remove(id), this.#byAccount.remove([account, id])]);
  }

  get(id: number): DeadLetterRecord | undefined {
    return this.#db.get(id);
  }

  count(account?: string): number {
    if (account === undefined) return this.#db.getCount();
    return this.#byAccount.getKeysCount(accountRange(account));
  }

  /** One page, newest first. */
  page(page: number, pageSize: number, account?: string): DeadLetterRecord[] {
    const window = { offset: page * pageSize, limit: pageSize };
    if (account === undefined) return [...this.#db.getRange({ reverse: true, ...window })].map((e) => e.value);
    return this.#records(this.#byAccount.getKeys({ ...accountRangeDown(account), ...window }));
  }

  /** Up to `limit` entries in id order: those with `ids` (when given), of `account` (when given). */
  select(limit: number, ids?: readonly number[], account?: string): DeadLetterRecord[] {
    if (ids) {
      const found = [...new Set(ids)].sort((a, b) => a - b).map((id) => this.#db.get(id));
      return found.filter((r): r is DeadLetterRecord => !!r && (account === undefined || r.event.account === account)).slice(0, limit);
    }
    if (account === undefined) return [...this.#db.getRange({ limit })].map((e) => e.value);
    return this.#records(this.#byAccount.getKeys({ ...accountRange(account), limit }));
  }

  #records(keys: Iterable<IndexKey>): DeadLetterRecord[] {
    const out: DeadLetterRecord[] = [];
    for (const [, id] of keys) {
      const r = this.#db.get(id);
      if (r) out.push(r);
    }
    return out;
  }
}
