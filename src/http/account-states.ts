// The front's view of every account's connection state, from the shards' state notices: the
// stream hands it to consumers that ask (states=true) when they go live, then each change.
// Kept in memory only; a shard that stops makes its accounts `disconnected` until it reports.
import { Topic, type Subscribable } from '../lib/topic.js';
import type { AccountStateFrame } from '../schemas/events.js';

export interface AccountStateSource extends Subscribable<AccountStateFrame> {
  /** the latest frame of each account `accounts` allows (all when null) */
  snapshot(accounts: ReadonlySet<string> | null): AccountStateFrame[];
  /** the account was deleted: it has no state any more */
  forget(account: string): void;
}

export class AccountStates implements AccountStateSource {
  readonly #latest = new Map<string, AccountStateFrame>();
  readonly #topic = new Topic<AccountStateFrame>();
  readonly #onError: (err: unknown) => void;

  /** `onError`: a subscriber threw (the others still got the frame) */
  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  subscribe(fn: (frame: AccountStateFrame) => void): () => void {
    return this.#topic.subscribe(fn);
  }

  apply(frame: AccountStateFrame): void {
    this.#latest.set(frame.account, frame);
    this.#topic.publish(frame, this.#onError);
  }

  forget(account: string): void {
    this.#latest.delete(account);
  }

  snapshot(accounts: ReadonlySet<string> | null): AccountStateFrame[] {
    if (!accounts) return [...this.#latest.values()];
    const out: AccountStateFrame[] = [];
    for (const account of accounts) {
      const frame = this.#latest.get(account);
      if (frame) out.push(frame);
    }
    return out;
  }

  /** A shard thread exited: its accounts have no connection until the new thread says so. */
  shardDown(owns: (account: string) => boolean, reason: string): void {
    const time = new Date().toISOString();
    for (const frame of [...this.#latest.values()]) {
      if (!owns(frame.account) || frame.state === 'disabled' || frame.state === 'disconnected') continue;
      this.apply({
        kind: 'accountState', account: frame.account, state: 'disconnected', date: time,
        lastError: { message: reason, code: 'ShardUnavailable', time, response: reason, serverResponseCode: 'ShardUnavailable' },
      });
    }
  }
}
