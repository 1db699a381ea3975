// Jittered exponential backoff. Callers reset it only after a connection has stayed up for a
// while: resetting on every successful login is how reconnect loops hammer a server.

export interface BackoffPolicy {
  /** first delay, ms */
  base: number;
  /** largest delay, ms */
  cap: number;
}

export class Backoff {
  #attempt = 0;
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;

  constructor(policy: BackoffPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  get attempts(): number {
    return this.#attempt;
  }

  /** Delay before the next try: uniformly within [d/2, d] for d = min(cap, base·2^n). */
  next(): number {
    return backoffDelay(this.#policy, this.#attempt++, this.#random);
  }

  reset(): void {
    this.#attempt = 0;
  }
}

/** The delay after `failures` earlier failures (0 = the first retry), for retries whose count is stored. */
export function backoffDelay(policy: BackoffPolicy, failures: number, random: () => number = Math.random): number {
  const d = Math.min(policy.cap, policy.base * 2 ** Math.min(failures, 30));
  return Math.round(d / 2 + random() * (d / 2));
}
