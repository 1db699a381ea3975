// The oauth2 apps database: app id → what was given (provider, client id, URLs, scopes) with the
// client secret sealed by the SecretBox, like account passwords. Any thread reads it directly.
import { randomBytes } from 'node:crypto';
import type { Database, RootDatabase } from 'lmdb';
import type { OAuth2AppInput } from '../schemas/oauth2.js';
import type { SecretBox } from './crypto.js';

/** Stored form: the given fields, `clientSecret` sealed, times as ISO strings. */
export interface OAuth2AppRecord extends OAuth2AppInput {
  id: string;
  created: string;
  updated: string;
}

/** A fresh app id: short, URL-safe, not guessable from the name. */
export const newAppId = (): string => randomBytes(9).toString('base64url');

export class OAuth2AppStore {
  readonly #root: RootDatabase;
  readonly #db: Database<OAuth2AppRecord, string>;
  readonly #box: SecretBox;

  constructor(root: RootDatabase, box: SecretBox) {
    this.#root = root;
    this.#box = box;
    this.#db = root.openDB<OAuth2AppRecord, string>({ name: 'oauth2-apps', encoding: 'msgpack' });
  }

  /** As committed now: another thread may have changed the app since this one last read. */
  get(id: string): OAuth2AppRecord | undefined {
    this.#root.resetReadTxn();
    return this.#db.get(id);
  }

  all(): OAuth2AppRecord[] {
    this.#root.resetReadTxn();
    return [...this.#db.getRange()].map(({ value }) => value);
  }

  /** Store `record` with its plaintext `clientSecret` sealed. */
  async put(record: OAuth2AppRecord): Promise<void> {
    await this.#db.put(record.id, { ...record, clientSecret: this.#box.seal(record.clientSecret) });
  }

  /** Store a record whose secret is sealed already (an update that kept it). */
  async putSealed(record: OAuth2AppRecord): Promise<void> {
    await this.#db.put(record.id, record);
  }

  /** The plaintext client secret of a stored record; throws if the key changed since. */
  openSecret(record: OAuth2AppRecord): string {
    return this.#box.open(record.clientSecret);
  }

  /** false when no such id */
  async remove(id: string): Promise<boolean> {
    return this.#root.transaction(() => {
      if (this.#db.get(id) === undefined) return false;
      this.#db.removeSync(id);
      return true;
    });
  }
}
