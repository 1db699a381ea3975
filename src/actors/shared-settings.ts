// The server-wide settings a shard's actors read (auth server, IMAP logs, notify options):
// read from LMDB at start, and again whenever the front says they changed (op settingsChanged).
import type { SettingsStore, WebhookSettings } from '../store/settings.js';

export type SettingsListener = (next: WebhookSettings, before: WebhookSettings) => void;

export class SharedSettings {
  readonly #store: SettingsStore;
  readonly #listeners = new Set<SettingsListener>();
  #current: WebhookSettings;

  constructor(store: SettingsStore) {
    this.#store = store;
    this.#current = store.read();
  }

  get current(): WebhookSettings {
    return this.#current;
  }

  /** Read the store again and tell every listener. */
  reload(): void {
    const before = this.#current;
    this.#current = this.#store.read();
    for (const listener of this.#listeners) listener(this.#current, before);
  }

  /** Called after each reload; returns the unsubscribe function. */
  onChange(listener: SettingsListener): () => void {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  }
}
