// The front thread's view of the event log: shards say how far the log is committed, the feed
// reads the new events from LMDB in id order (so events of different shards are never out of
// order and never skipped) and hands them to live subscribers.
import type { EventLog } from '../store/events.js';
import type { StoredEvent } from './types.js';

export type Subscriber = (events: StoredEvent[]) => void;

export interface EventReader {
  /** id of the last event handed to subscribers */
  readonly head: number;
  /** committed events with after < id ≤ upTo (default: head) */
  read(after: number, limit: number, accounts?: ReadonlySet<string> | null, upTo?: number): StoredEvent[];
  subscribe(fn: Subscriber): () => void;
}

const BATCH = 1000;

export class EventFeed implements EventReader {
  readonly #log: EventLog;
  readonly #subs = new Set<Subscriber>();
  #head: number;

  constructor(log: EventLog) {
    this.#log = log;
    this.#head = log.head();
  }

  get head(): number {
    return this.#head;
  }

  read(after: number, limit: number, accounts?: ReadonlySet<string> | null, upTo = this.#head): StoredEvent[] {
    return this.#log.read(after, limit, accounts, upTo);
  }

  subscribe(fn: Subscriber): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }

  /** The log is committed up to `head` (a shard's notice); deliver what is new. */
  advance(head: number): void {
    let refreshed = false;
    while (head > this.#head) {
      const events = this.#log.read(this.#head, BATCH, null, head);
      if (!events.length) {
        // committed but not in our read snapshot yet: renew it once, else look again shortly
        if (refreshed) { setTimeout(() => this.advance(head), 5); return; }
        this.#log.refresh();
        refreshed = true;
        continue;
      }
      this.#head = events[events.length - 1]!.id;
      for (const fn of this.#subs) fn(events);
    }
  }
}
