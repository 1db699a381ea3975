// The retry engine of every delivery (webhook events, SMTP submissions): one lane per key with
// at most one attempt in flight, lanes in parallel up to a cap (the longest-waiting lane gets a
// freed slot first), and each lane either holding a failed item until its retry or moving on.

/** What a lane does next: work on `item`, look again at `wakeAt` (ms epoch), or close (null). */
export type Pick<T> = { item: T } | { wakeAt: number } | null;

/** After an attempt: retry the same item at `retryAt` (holding the lane), or pick again. */
export type Next = { retryAt: number } | 'pick';

export interface LaneWork<T, R> {
  /** the lane's next item; called again after every finished item */
  pick(key: string): Pick<T>;
  /** one attempt (the `attempt`-th on this item, from 1); must not throw */
  run(key: string, item: T, attempt: number): Promise<R>;
  /** the attempt is over: record it and say how the lane goes on */
  settle(key: string, item: T, result: R, attempt: number): Next;
}

interface Lane<T> {
  key: string;
  item: T | null;
  attempts: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
  waiting: boolean;
}

const MAX_TIMER = 2 ** 31 - 1;

export class Lanes<T, R> {
  readonly #work: LaneWork<T, R>;
  readonly #concurrency: number;
  readonly #lanes = new Map<string, Lane<T>>();
  /** lanes with an item ready while every slot is taken, in arrival order */
  readonly #queue = new Set<Lane<T>>();
  readonly #flights = new Set<Promise<void>>();
  #running = 0;
  #closing = false;

  constructor(work: LaneWork<T, R>, concurrency: number) {
    this.#work = work;
    this.#concurrency = concurrency;
  }

  /** Lanes open now (with an item, a timer or an attempt). */
  get open(): number {
    return this.#lanes.size;
  }

  get inFlight(): number {
    return this.#running;
  }

  /** Lane `key` may have work: open it, or make an open lane that sleeps until a later item is due look again now. */
  wake(key: string): void {
    if (this.#closing) return;
    const open = this.#lanes.get(key);
    if (open) {
      // a lane holding an item waits for that item's retry; one with none only slept on a `wakeAt`
      if (open.item === null && open.timer) {
        clearTimeout(open.timer);
        open.timer = null;
        this.#pump(open);
      }
      return;
    }
    const lane: Lane<T> = { key, item: null, attempts: 0, timer: null, running: false, waiting: false };
    this.#lanes.set(key, lane);
    this.#pump(lane);
  }

  /** Whether lane `key` is open. */
  has(key: string): boolean {
    return this.#lanes.has(key);
  }

  /** Items held by lanes now (being tried, waiting for a slot or for their retry). */
  *held(): Iterable<T> {
    for (const lane of this.#lanes.values()) if (lane.item !== null) yield lane.item;
  }

  /** Try every waiting lane again now (the target changed): retry timers are cut short. */
  retryNow(): void {
    for (const lane of this.#lanes.values()) {
      if (!lane.timer) continue;
      clearTimeout(lane.timer);
      lane.timer = null;
      this.#pump(lane);
    }
  }

  /** Forget every lane; attempts in flight finish but their results are ignored. */
  clear(): void {
    for (const lane of this.#lanes.values()) if (lane.timer) clearTimeout(lane.timer);
    this.#lanes.clear();
    this.#queue.clear();
  }

  /** Start nothing new; resolves when the attempts in flight are over. */
  async close(): Promise<void> {
    this.#closing = true;
    for (const lane of this.#lanes.values()) if (lane.timer) clearTimeout(lane.timer);
    await Promise.allSettled([...this.#flights]);
  }

  #live(lane: Lane<T>): boolean {
    return !this.#closing && this.#lanes.get(lane.key) === lane;
  }

  #pump(lane: Lane<T>): void {
    if (!this.#live(lane) || lane.running || lane.timer || lane.waiting) return;
    if (lane.item === null) {
      const next = this.#work.pick(lane.key);
      if (next === null) {
        this.#lanes.delete(lane.key);
        return;
      }
      if ('wakeAt' in next) return this.#sleep(lane, next.wakeAt);
      lane.item = next.item;
      lane.attempts = 0;
    }
    if (this.#running >= this.#concurrency) {
      lane.waiting = true;
      this.#queue.add(lane);
      return;
    }
    this.#start(lane, lane.item);
  }

  #sleep(lane: Lane<T>, at: number): void {
    // setTimeout fires at once for delays beyond 2^31-1 ms (24.8 days): wake early, look again
    const delay = Math.min(MAX_TIMER, Math.max(0, at - Date.now()));
    lane.timer = setTimeout(() => { lane.timer = null; this.#pump(lane); }, delay);
  }

  #start(lane: Lane<T>, item: T): void {
    lane.running = true;
    this.#running++;
    const attempt = ++lane.attempts;
    const flight: Promise<void> = Promise.resolve()
      .then(() => this.#work.run(lane.key, item, attempt))
      .then((result) => this.#finish(lane, item, result, attempt), () => this.#finish(lane, item, null, attempt))
      // settle() must not throw; if it does, the engine goes on (its slot was freed in #finish)
      .catch(() => undefined)
      .finally(() => this.#flights.delete(flight));
    this.#flights.add(flight);
  }

  /** `result` null: the attempt threw (a bug in `run`); its slot is freed and the item tried again later. */
  #finish(lane: Lane<T>, item: T, result: R | null, attempt: number): void {
    lane.running = false;
    this.#running--;
    // a lane cleared meanwhile records nothing (its item is picked up afresh later); one that
    // ends during a shutdown still records its result, so a delivered item is not tried again
    try {
      if (this.#lanes.get(lane.key) === lane) {
        const next: Next = result === null ? { retryAt: Date.now() + 1000 } : this.#work.settle(lane.key, item, result, attempt);
        if (next === 'pick') lane.item = null;
        else if (!this.#closing) this.#sleep(lane, next.retryAt);
      }
    } finally {
      this.#drain(lane);
    }
  }

  #drain(lane: Lane<T>): void {
    while (this.#running < this.#concurrency && this.#queue.size) {
      const waiting = this.#queue.values().next().value!;
      this.#queue.delete(waiting);
      waiting.waiting = false;
      this.#pump(waiting);
    }
    this.#pump(lane);
  }
}
