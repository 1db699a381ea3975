// The accounts database: settings per account id, passwords and access tokens sealed with the SecretBox.
import type { Database, RootDatabase } from 'lmdb';
import type { AccountInput, ImapSettings, ServerSettings, SmtpSettings } from '../schemas/account.js';

/** Stored form: the API's settings with `auth.pass` and `auth.accessToken` sealed, plus timestamps. */
export interface AccountRecord extends Omit<AccountInput, 'smtp' | 'imap'> {
  imap: ImapSettings;
  smtp?: SmtpSettings;
  created: string;
  updated: string;
}

export class AccountStore {
  readonly #db: Database<AccountRecord, string>;

  constructor(root: RootDatabase) {
    this.#db = root.openDB<AccountRecord, string>({ name: 'accounts', encoding: 'msgpack' });
  }

  get(account: string): AccountRecord | undefined {
    return this.#db.get(account);
  }

  put(record: AccountRecord): Promise<boolean> {
    return this.#db.put(record.account, record);
  }

  /** Inside the caller's write transaction. */
  putSync(record: AccountRecord): void {
    this.#db.putSync(record.account, record);
  }

  removeSync(account: string): void {
    this.#db.removeSync(account);
  }

  remove(account: string): Promise<boolean> {
    return this.#db.remove(account);
  }

  /** Every stored account, in id order. */
  *all(): Iterable<AccountRecord> {
    for (const { value } of this.#db.getRange()) yield value;
  }
}

/** Copy of server settings with the password and access token replaced by `f(secret)`. */
export function mapSecrets<T extends ServerSettings>(s: T, f: (secret: string) => string): T {
  if (!s.auth) return s;
  const auth = { ...s.auth };
  if (auth.pass !== undefined) auth.pass = f(auth.pass);
  if (auth.accessToken !== undefined) auth.accessToken = f(auth.accessToken);
  return { ...s, auth };
}
