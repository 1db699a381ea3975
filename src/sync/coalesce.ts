// Coalesces change notices: a burst runs one sync shortly after it quiets down, but never
// later than `maxWait` after the first notice, so steady mail cannot starve the events.
// A notice during a run makes one more run follow it.

export interface CoalesceOptions {
  /** quiet time to wait for more notices, ms */
  delay: number;
  /** longest a notice waits for its run, ms */
  maxWait: number;
}

export class Coalescer {
  readonly #run: () => Promise<void>;
  readonly #opts: CoalesceOptions;
  #timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  #firstAt = 0;
  #running = false;
  #again = false;
  #stopped = false;

  constructor(run: () => Promise<void>, opts: CoalesceOptions) {
    this.#run = run;
    this.#opts = opts;
  }

  /** Note a change; a run follows within maxWait. */
  notify(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    const now = Date.now();
    if (!this.#timer) this.#firstAt = now;
    else this.#cancel();
    const due = Math.min(now + this.#opts.delay, this.#firstAt + this.#opts.maxWait);
    // no delay: after the notices read in the same turn (IMAP servers send EXISTS, RECENT and
    // more together), not a timer's whole millisecond later
    this.#timer = due <= now ? setImmediate(() => void this.#fire()) : setTimeout(() => void this.#fire(), due - now);
  }

  stop(): void {
    this.#stopped = true;
    this.#cancel();
    this.#timer = null;
  }

  #cancel(): void {
    const t = this.#timer;
    if (t === null) return;
    if ('refresh' in t) clearTimeout(t);
    else clearImmediate(t as NodeJS.Immediate);
  }

  async #fire(): Promise<void> {
    this.#timer = null;
    this.#running = true;
    try {
      await this.#run();
    } finally {
      this.#running = false;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        this.notify();
      }
    }
  }
}
