// Fixed-window counters by key (a client address, a token id): `limit` hits per `windowMs`,
// then a refusal that says how long until the window turns. Memory is bounded by pruning
// windows that have passed.
export class RateLimit {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #hits = new Map<string, { start: number; count: number }>();
  #lastPrune = 0;

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Seconds to wait when `key` is over its limit now, else 0 (nothing counted). */
  blocked(key: string, now = Date.now()): number {
    const w = this.#hits.get(key);
    if (!w || now - w.start >= this.#windowMs || w.count < this.#limit) return 0;
    return Math.max(1, Math.ceil((w.start + this.#windowMs - now) / 1000));
  }

  /** Count one hit for `key`; returns what blocked() says after it. */
  hit(key: string, now = Date.now()): number {
    this.#prune(now);
    let w = this.#hits.get(key);
    if (!w || now - w.start >= this.#windowMs) this.#hits.set(key, (w = { start: now, count: 0 }));
    w.count++;
    return w.count > this.#limit ? this.blocked(key, now) : 0;
  }

  #prune(now: number): void {
    if (now - this.#lastPrune < this.#windowMs) return;
    this.#lastPrune = now;
    for (const [key, w] of this.#hits) if (now - w.start >= this.#windowMs) this.#hits.delete(key);
  }
}
