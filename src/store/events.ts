// The event log: every change event under a global, contiguous, monotonic id, appended in the
// same write transaction as the state change that caused it, plus an [account, id] index so
// one account's events can be read in order without scanning everyone else's.
import type { Database, RootDatabase } from 'lmdb';
import type { NewEvent, StoredEvent } from '../events/types.js';

type Stored = Omit<StoredEvent, 'id'>;

export class EventLog {
  readonly #root: RootDatabase;
  readonly #events: Database<Stored, number>;
  readonly #byAccount: Database<number, [string, number]>;

  constructor(root: RootDatabase) {
    this.#root = root;
    this.#events = root.openDB<Stored, number>({ name: 'events', encoding: 'msgpack' });
    this.#byAccount = root.openDB<number, [string, number]>({ name: 'accountEvents', encoding: 'msgpack' });
  }

  /** Drop this thread's read snapshot, so writes just committed by other threads show. */
  refresh(): void {
    this.#root.resetReadTxn();
  }

  /** Last id in the log (0 when empty). */
  head(): number {
    for (const key of this.#events.getKeys({ reverse: true, limit: 1 })) return key;
    return 0;
  }

  /**
   * Append inside the caller's write transaction (root.transaction(...)): LMDB serialises
   * write transactions across threads, so "last id + 1" is global and gap-free.
   */
  appendSync(events: NewEvent[], date = new Date().toISOString()): StoredEvent[] {
    let id = this.head();
    return events.map((e) => {
      id++;
      this.#events.putSync(id, { account: e.account, path: e.path, event: e.event, data: e.data, date });
      this.#byAccount.putSync([e.account, id], 1);
      return { ...e, id, date };
    });
  }

  /** Append in a transaction of its own (events with no state change attached). */
  append(events: NewEvent[]): Promise<StoredEvent[]> {
    let stored: StoredEvent[] = [];
    return this.#root.transaction(() => { stored = this.appendSync(events); }).then(() => stored);
  }

  get(id: number): StoredEvent | undefined {
    const e = this.#events.get(id);
    return e ? { ...e, id } : undefined;
  }

  /** Events with after < id ≤ upTo, in order, at most `limit`; only `accounts` when given. */
  read(after: number, limit: number, accounts?: ReadonlySet<string> | null, upTo = Number.MAX_SAFE_INTEGER): StoredEvent[] {
    if (accounts && accounts.size === 1) return this.readAccount([...accounts][0]!, after, limit, upTo);
    const out: StoredEvent[] = [];
    for (const { key, value } of this.#events.getRange({ start: after + 1, end: upTo + 1 })) {
      if (!accounts || accounts.has(value.account)) out.push({ ...value, id: key });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** One account's events with after < id ≤ upTo, in order. */
  readAccount(account: string, after: number, limit: number, upTo = Number.MAX_SAFE_INTEGER): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (const key of this.#byAccount.getKeys({ start: [account, after + 1], end: [account, upTo + 1], limit })) {
      const e = this.get(key[1]);
      if (e) out.push(e);
    }
    return out;
  }

  /** First event id (0 when empty), and its date: where retention has cut the log. */
  first(): StoredEvent | undefined {
    for (const { key, value } of this.#events.getRange({ limit: 1 })) return { ...value, id: key };
    return undefined;
  }

  /**
   * Delete events older than `cutoff` (ISO date); returns how many. The newest event always
   * stays: ids are "last id + 1", so an emptied log would hand out ids that consumers passed.
   */
  async prune(cutoff: string, batch = 5000): Promise<number> {
    let removed = 0;
    await this.#root.transaction(() => {
      const head = this.head();
      for (const { key, value } of [...this.#events.getRange({ limit: batch })]) {
        if (value.date >= cutoff || key === head) break;
        this.#events.removeSync(key);
        this.#byAccount.removeSync([value.account, key]);
        removed++;
      }
    });
    return removed;
  }
}
