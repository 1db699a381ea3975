// Entries of the messages the API listed lately, by folder and UID. What a UID names never
// changes (RFC 3501 §2.3.1.1), so a page listed again needs only its flags from the server.
// Bounded, least recently used first out; its owner drops it with the read connection.
import type { MessageEntry } from '../schemas/message.js';

/** One folder's view of the cache (a folder is its path, record id and UIDVALIDITY). */
export interface FolderEntries {
  /** whether the last page of this folder was mostly known: then ask for flags first */
  readonly warm: boolean;
  get(uid: number): MessageEntry | undefined;
  put(entry: MessageEntry): void;
  /** how many of a page's `of` messages were known already: decides `warm` for the next page */
  saw(known: number, of: number): void;
}

export class EntryCache {
  readonly #limit: number;
  readonly #entries = new Map<string, MessageEntry>();
  readonly #warm = new Map<string, boolean>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#entries.size;
  }

  folder(path: string, mailbox: number, uidValidity: bigint | number | undefined): FolderEntries {
    const prefix = `${mailbox}/${String(uidValidity)}/${path}/`;
    return {
      warm: this.#warm.get(prefix) === true,
      get: (uid) => this.#get(prefix + uid),
      put: (entry) => this.#put(prefix + entry.uid, entry),
      saw: (known, of) => { this.#warm.set(prefix, of > 0 && known * 2 >= of); },
    };
  }

  clear(): void {
    this.#entries.clear();
    this.#warm.clear();
  }

  #get(key: string): MessageEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      // to the back of the line: the oldest-used entries leave first
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  #put(key: string, entry: MessageEntry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#limit) break;
      this.#entries.delete(oldest);
    }
  }
}
