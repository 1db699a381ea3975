// The sign-in states that were used: a sign-in link opens in one browser, once, and its callback
// spends it once, so a state seen again (a link opened twice, a replayed callback URL, a race of
// two callbacks) is refused. Kept until the state would have expired anyway, keyed by expiry
// so the expired ones go in one range.
import type { Database, RootDatabase } from 'lmdb';

/** `[expires ms, nonce, step]`: ordered by expiry first; a state is opened once and spent once. */
type Key = [number, string, Step];
export type Step = 'open' | 'callback';

export class OAuthStateStore {
  readonly #root: RootDatabase;
  readonly #db: Database<true, Key>;

  constructor(root: RootDatabase) {
    this.#root = root;
    this.#db = root.openDB<true, Key>({ name: 'oauth-states', encoding: 'msgpack' });
  }

  /** Mark `step` of the state `nonce` (valid until `expires`) as done; false when it was already.
   *  One write transaction, so of two at once exactly one gets true. */
  spend(nonce: string, expires: number, step: Step, now = Date.now()): Promise<boolean> {
    return this.#root.transaction(() => {
      if (this.#db.get([expires, nonce, step]) !== undefined) return false;
      this.#db.putSync([expires, nonce, step], true);
      // a sign-in is rare: sweeping the expired ones here keeps the table at the live few
      for (const key of this.#db.getKeys({ end: [now, '', 'callback'], limit: 100 })) this.#db.removeSync(key);
      return true;
    });
  }
}
