// The settings database: server-wide values by name (webhook URL, event filter, on/off, the
// sealed signing secret, where delivery starts in the event log, and the original IMAP API's
// keys: notify options, auth server, IMAP logs, Gmail OAuth2 app). A webhook or auth-server
// URL with credentials in it is sealed here, so no password is ever stored in the clear.
import type { Database, RootDatabase } from 'lmdb';
import { isSealed, type SecretBox } from './crypto.js';

/** Which accounts have their IMAP traffic kept (in memory only) for GET /v1/logs/:account. */
export interface LogSettings {
  all: boolean;
  accounts: string[];
  maxLogLines: number;
}

export interface WebhookSettings {
  webhooks: string | null;
  /** event names, or ['*'] */
  webhookEvents: string[];
  webhooksEnabled: boolean;
  /** sealed with the SecretBox; null = requests are not signed */
  secret: string | null;
  /** log head when delivery last became active: nothing at or before it is ever sent */
  webhooksFrom: number;
  /** header names (lower-case) whose values go into messageNew, fetched at delivery */
  notifyHeaders: string[];
  /** put the decoded text into messageNew, fetched at delivery, up to notifyTextSize bytes */
  notifyText: boolean;
  notifyTextSize: number;
  /** URL asked for credentials of accounts with useAuthServer; null = none */
  authServer: string | null;
  logs: LogSettings;
  gmailClientId: string | null;
  /** sealed with the SecretBox */
  gmailClientSecret: string | null;
  gmailRedirectUrl: string | null;
}

export const DEFAULT_SETTINGS: WebhookSettings = {
  webhooks: null, webhookEvents: ['*'], webhooksEnabled: true, secret: null, webhooksFrom: 0,
  notifyHeaders: [], notifyText: false, notifyTextSize: 0, authServer: null,
  logs: { all: false, accounts: [], maxLogLines: 10_000 },
  gmailClientId: null, gmailClientSecret: null, gmailRedirectUrl: null,
};

const NAMES = Object.keys(DEFAULT_SETTINGS) as (keyof WebhookSettings)[];
/** URLs that may carry credentials (https://user:pass@host/): sealed at rest when they do. */
const URL_NAMES = ['webhooks', 'authServer'] as const;

function hasCredentials(raw: string): boolean {
  try {
    const url = new URL(raw);
    return !!(url.username || url.password);
  } catch {
    return false;
  }
}

export class SettingsStore {
  readonly #root: RootDatabase;
  readonly #db: Database<unknown, string>;

  readonly #box: SecretBox;

  constructor(root: RootDatabase, box: SecretBox) {
    this.#root = root;
    this.#box = box;
    this.#db = root.openDB<unknown, string>({ name: 'settings', encoding: 'msgpack' });
  }

  /** Stored values over the defaults. */
  read(): WebhookSettings {
    // another thread may have written since this thread's read snapshot was taken
    this.#root.resetReadTxn();
    const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const name of NAMES) {
      const value = this.#db.get(name);
      if (value !== undefined) out[name] = value;
    }
    for (const name of URL_NAMES) {
      const value = out[name];
      // sealed with another key (the data dir moved without its secret): as if unset
      if (isSealed(value)) try { out[name] = this.#box.open(value); } catch { out[name] = null; }
    }
    return out as unknown as WebhookSettings;
  }

  /** Write every value in one transaction, so a reader never sees half a change. */
  async write(next: WebhookSettings): Promise<void> {
    await this.#root.transaction(() => {
      for (const name of NAMES) {
        const value = next[name];
        const seal = (URL_NAMES as readonly string[]).includes(name) && typeof value === 'string' && hasCredentials(value);
        this.#db.putSync(name, seal ? this.#box.seal(value) : value);
      }
    });
  }
}
