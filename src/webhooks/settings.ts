// The webhook settings as the worker holds them: read once at start, changed only through
// update(), which also records where delivery starts whenever it is switched on.
import type { SettingsPatch, SettingsView } from '../schemas/settings.js';
import type { SecretBox } from '../store/crypto.js';
import type { SettingsStore, WebhookSettings } from '../store/settings.js';
import { eventFilter, type Target } from './policy.js';
import { applyPatch, viewOf } from './settings-patch.js';

export interface SettingsChange {
  view: SettingsView;
  /** delivery target before and after the change; null = off */
  before: Target | null;
  after: Target | null;
}

export class Settings {
  readonly #store: SettingsStore;
  readonly #box: SecretBox;
  readonly #head: () => number;
  #current: WebhookSettings;

  /** `head`: the last id in the event log now (delivery starts after it when switched on). */
  constructor(store: SettingsStore, box: SecretBox, head: () => number) {
    this.#store = store;
    this.#box = box;
    this.#head = head;
    this.#current = store.read();
  }

  /** Delivery starts after this event id. */
  get from(): number {
    return this.#current.webhooksFrom;
  }

  view(): SettingsView {
    return viewOf(this.#current);
  }

  /** The stored secret cannot be opened (the data dir's key changed): nothing is sent then. */
  get secretUnreadable(): boolean {
    return this.#open() === undefined;
  }

  /** URL and opened secret, whether or not delivery is on (for the test request). */
  endpoint(): { url: string; secret: string | null } | null {
    const secret = this.#open();
    // fail closed: an unsigned request to a receiver that checks signatures is worse than none
    return this.#current.webhooks && secret !== undefined ? { url: this.#current.webhooks, secret } : null;
  }

  #open(): string | null | undefined {
    const sealed = this.#current.secret;
    if (sealed === null) return null;
    try { return this.#box.open(sealed); } catch { return undefined; }
  }

  /** Where events go now; null while delivery is off or has no URL. */
  target(): Target | null {
    const endpoint = this.#current.webhooksEnabled ? this.endpoint() : null;
    if (!endpoint) return null;
    const { notifyText, notifyTextSize, notifyHeaders } = this.#current;
    const target: Target = { ...endpoint, events: eventFilter(this.#current.webhookEvents) };
    if (notifyText || notifyHeaders.length) target.content = { text: notifyText, textSize: notifyTextSize, headers: notifyHeaders };
    return target;
  }

  async update(patch: SettingsPatch): Promise<SettingsChange> {
    const before = this.target();
    const next = applyPatch(this.#current, patch, (plain) => this.#box.seal(plain));
    // switched on: what happened while it was off is not sent (that backlog may be huge)
    if (!before && next.webhooksEnabled && next.webhooks) next.webhooksFrom = this.#head();
    await this.#store.write(next);
    this.#current = next;
    return { view: this.view(), before, after: this.target() };
  }
}
