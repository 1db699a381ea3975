// Every API token record held in memory by its hash, so a request is checked without reading
// LMDB; creation and revocation through the API change the cache at once. Last use is kept
// here and written back at most once a minute (and at shutdown).
import { hashToken, makeToken, TokenStore, type NewToken, type TokenRecord } from '../store/tokens.js';
import type { TokenView } from '../schemas/tokens.js';

const FLUSH_MS = 60_000;
/** while no token is known, how often the disk is asked whether the CLI made one */
const RECHECK_MS = 1000;

const iso = (ms: number) => new Date(ms).toISOString();

/** A record as GET /v1/tokens shows it: never the hash. */
export function tokenView(r: TokenRecord): TokenView {
  const v: TokenView = { id: r.id, description: r.description, scopes: r.scopes, created: iso(r.created) };
  if (r.account !== undefined) v.account = r.account;
  if (r.expires !== undefined) v.expires = iso(r.expires);
  if (r.lastUsed !== undefined) v.lastUsed = iso(r.lastUsed);
  return v;
}

export class TokenCache {
  readonly #store: TokenStore;
  readonly #byHash = new Map<string, TokenRecord>();
  readonly #dirty = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #checkedDisk = 0;

  constructor(store: TokenStore) {
    this.#store = store;
    for (const r of store.all()) this.#byHash.set(r.hash, r);
    this.#timer = setInterval(() => void this.flush(), FLUSH_MS).unref();
  }

  /** No token exists: the API is open. Asks the disk now and then, for a token the CLI made. */
  get open(): boolean {
    if (this.#byHash.size) return false;
    const now = Date.now();
    if (now - this.#checkedDisk >= RECHECK_MS) {
      this.#checkedDisk = now;
      for (const r of this.#store.all()) this.#byHash.set(r.hash, r);
    }
    return this.#byHash.size === 0;
  }

  /** The record of a presented token from memory; undefined if unknown. Looked up by its SHA-256,
   *  never by the token: how long the lookup takes says nothing about any stored token's bytes
   *  (a caller cannot steer the hash), and a record found has that very hash. */
  lookup(token: string): TokenRecord | undefined {
    return this.#byHash.get(hashToken(token));
  }

  /** A token unknown to memory, read from LMDB once (the caller rate-limits these). */
  lookupOnDisk(token: string): TokenRecord | undefined {
    const rec = this.#store.findByHash(hashToken(token));
    if (rec) this.#byHash.set(rec.hash, rec);
    return rec;
  }

  /** Remember a use; written back by the next flush. */
  used(rec: TokenRecord, now = Date.now()): void {
    rec.lastUsed = now;
    this.#dirty.set(rec.id, now);
  }

  async create(input: NewToken): Promise<{ token: string; record: TokenRecord }> {
    const made = makeToken(input);
    await this.#store.put(made.record);
    this.#byHash.set(made.record.hash, made.record);
    return made;
  }

  list(): TokenView[] {
    return [...this.#byHash.values()].sort((a, b) => a.created - b.created).map(tokenView);
  }

  /** Refused from the next request on; false when no such id. */
  async revoke(id: string): Promise<boolean> {
    for (const [hash, r] of this.#byHash) if (r.id === id) this.#byHash.delete(hash);
    this.#dirty.delete(id);
    return this.#store.remove(id);
  }

  async flush(): Promise<void> {
    if (!this.#dirty.size) return;
    const batch = new Map(this.#dirty);
    this.#dirty.clear();
    await this.#store.touch(batch);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
