// At most N API requests of one account in flight in the front thread: a flood on one account
// gets 429 at once, while every other account's requests go straight on to their shards.
import { ApiError } from '../errors.js';

// An account's count stays in the map at 0 (set in place, no allocation: a delete and re-add
// per request churned the map's tables into old space); zeros go only once this many pile up.
const SWEEP_AT = 10_000;

export class AccountGate {
  readonly #inFlight = new Map<string, number>();
  #sweepAt = SWEEP_AT;

  constructor(readonly limit: number) {}

  /** Run `fn` holding one of the account's slots; 429 when all are taken. The slot is given
   *  back when `fn` settles, never on a client's abort: the shard is still busy with the call
   *  until then, and every shard call ends by its deadline. */
  run<T>(account: string | undefined, fn: () => Promise<T>): Promise<T> {
    // a route about no account costs no extra promise
    if (account === undefined) return fn();
    const taken = this.#inFlight.get(account) ?? 0;
    if (taken >= this.limit) return Promise.reject(tooMany(account, this.limit));
    if (taken === 0 && this.#inFlight.size >= this.#sweepAt) this.#sweep();
    this.#inFlight.set(account, taken + 1);
    return this.#holding(account, fn);
  }

  async #holding<T>(account: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      this.#inFlight.set(account, (this.#inFlight.get(account) ?? 1) - 1);
    }
  }

  /** Forget the accounts with nothing in flight (ids seen once, e.g. of unknown accounts). */
  #sweep(): void {
    for (const [account, n] of this.#inFlight) if (n === 0) this.#inFlight.delete(account);
    // as many again before the next sweep: one in flight on each of many accounts costs no sweep per request
    this.#sweepAt = this.#inFlight.size + SWEEP_AT;
  }

  /** Requests of `account` in flight now. */
  inFlight(account: string): number {
    return this.#inFlight.get(account) ?? 0;
  }
}

function tooMany(account: string, limit: number): ApiError {
  return new ApiError('TooManyRequests',
    `Account "${account}" already has ${limit} requests in progress (the limit, --account-concurrency); retry when one has finished`,
    { account, limit });
}
