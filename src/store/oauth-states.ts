// The sign-in states that were used: a callback spends its state once, so a state seen again
// (a replayed callback URL, a second tab, a race of two callbacks) is refused. Kept until the
// state would have expired anyway, keyed by expiry so the expired ones go in one range.
import type { Database, RootDatabase } from 'lmdb';

/** `[expires ms, nonce]`: ordered by expiry first. */
type Key = [number, string];

export class OAuthStateStore {
  readonly #root: RootDatabase;
  readonly #db: Database<true, Key>;

  constructor(root: RootDatabase) {
    this.#root = root;
    this.#db = root.openDB<true, Key>({ name: 'oauth-states', encoding: 'msgpack' });
  }

  /** Mark the state `nonce` (valid until `expires`) as used; false when it was already.
   *  One write transaction, so of two callbacks at once exactly one gets true. */
  spend(nonce: string, expires: number, now = Date.now()): Promise<boolean> {
    return this.#root.transaction(() => {
      if (this.#db.get([expires, nonce]) !== undefined) return false;
      this.#db.putSync([expires, nonce], true);
      // a sign-in is rare: sweeping the expired ones here keeps the table at the live few
      for (const key of this.#db.getKeys({ end: [now, ''], limit: 100 })) this.#db.removeSync(key);
      return true;
    });
  }
}
