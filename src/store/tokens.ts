// The tokens database: id → { hash (SHA-256 of the token), scopes, account, times }. The token
// itself (256 random bits, base64url) is made here, handed out once and never stored.
import { hash, randomBytes } from 'node:crypto';
import type { Database, RootDatabase } from 'lmdb';
import type { Scope } from '../schemas/tokens.js';

export interface TokenRecord {
  id: string;
  /** hex SHA-256 of the token */
  hash: string;
  description: string;
  scopes: Scope[];
  account?: string;
  /** ms since epoch */
  created: number;
  expires?: number;
  lastUsed?: number;
}

export interface NewToken { description: string; scopes: Scope[]; account?: string; expires?: number }

/** Hex SHA-256 of a presented token: what the store and the cache are keyed by. */
export function hashToken(token: string): string {
  // one-shot hash (Node ≥ 20.12): a third of createHash's cost, on every request with a token
  return hash('sha256', token, 'hex');
}

/** A fresh token (shown once) and the record to store for it. */
export function makeToken(input: NewToken, now = Date.now()): { token: string; record: TokenRecord } {
  const token = randomBytes(32).toString('base64url');
  const record: TokenRecord = { id: randomBytes(9).toString('base64url'), hash: hashToken(token), description: input.description, scopes: [...input.scopes], created: now };
  if (input.account !== undefined) record.account = input.account;
  if (input.expires !== undefined) record.expires = input.expires;
  return { token, record };
}

export class TokenStore {
  readonly #root: RootDatabase;
  readonly #db: Database<TokenRecord, string>;

  constructor(root: RootDatabase) {
    this.#root = root;
    this.#db = root.openDB<TokenRecord, string>({ name: 'tokens', encoding: 'msgpack' });
  }

  /** Every record, as committed now (another process, the CLI, may have written meanwhile). */
  all(): TokenRecord[] {
    this.#root.resetReadTxn();
    return [...this.#db.getRange()].map(({ value }) => value);
  }

  /** The record for a token hash, read from disk (a token the CLI made while the server runs). */
  findByHash(hash: string): TokenRecord | undefined {
    return this.all().find((r) => r.hash === hash);
  }

  async put(record: TokenRecord): Promise<void> {
    await this.#db.put(record.id, record);
  }

  /** false when no such id */
  async remove(id: string): Promise<boolean> {
    return this.#root.transaction(() => {
      if (this.#db.get(id) === undefined) return false;
      this.#db.removeSync(id);
      return true;
    });
  }

  /** Record the last use of tokens that still exist, in one transaction. */
  async touch(lastUsed: ReadonlyMap<string, number>): Promise<void> {
    if (!lastUsed.size) return;
    await this.#root.transaction(() => {
      for (const [id, at] of lastUsed) {
        const rec = this.#db.get(id);
        if (rec && (rec.lastUsed ?? 0) < at) this.#db.putSync(id, { ...rec, lastUsed: at });
      }
    });
  }
}
