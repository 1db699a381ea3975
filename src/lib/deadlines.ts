// Deadlines of many short operations on one timer: the timer is armed for the earliest and
// re-armed when it fires, so starting or finishing an operation is a Set insert or delete
// instead of a timer (or an AbortSignal.timeout, ~14 µs with its listeners) of its own.

export interface Deadline {
  /** when it is due, on performance.now()'s clock */
  readonly at: number;
  /** called once when due, unless deleted before */
  expire(): void;
}

export class Deadlines {
  readonly #pending = new Set<Deadline>();
  #timer: NodeJS.Timeout | null = null;
  #armedFor = Infinity;

  get size(): number {
    return this.#pending.size;
  }

  add(d: Deadline): void {
    this.#pending.add(d);
    if (d.at < this.#armedFor) this.#arm(d.at);
  }

  /** The operation ended in time. The timer stays armed: when it fires with nothing due it re-arms. */
  delete(d: Deadline): void {
    this.#pending.delete(d);
  }

  #arm(at: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#armedFor = at;
    // unref: pending deadlines alone do not keep a thread alive, as AbortSignal.timeout's do not
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, Math.ceil(at - performance.now()))).unref();
  }

  #fire(): void {
    this.#timer = null;
    this.#armedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const d of this.#pending) {
      if (d.at <= now) {
        this.#pending.delete(d);
        // one failing callback must not leave the others unexpired or the timer unarmed
        try { d.expire(); } catch { /* the operation's own affair */ }
      } else if (d.at < next) next = d.at;
    }
    if (next < Infinity) this.#arm(next);
  }
}
