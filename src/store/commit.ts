// The LMDB pieces that change together with the events they cause, and the one way to commit
// them: a write transaction, then the stored events handed on to whoever publishes them.
import type { RootDatabase } from 'lmdb';
import type { StoredEvent } from '../events/types.js';
import type { EventLog } from './events.js';
import type { MailboxStore } from './mailboxes.js';
import type { UidStore } from './uids.js';

export interface SyncStores {
  root: RootDatabase;
  mailboxes: MailboxStore;
  uids: UidStore;
  events: EventLog;
}

/** Run `fn` in one write transaction; publish the events it appended once committed. */
export async function commit(ctx: { stores: SyncStores; published(events: StoredEvent[]): void }, fn: () => StoredEvent[]): Promise<void> {
  let stored: StoredEvent[] = [];
  await ctx.stores.root.transaction(() => { stored = fn(); });
  if (stored.length) ctx.published(stored);
}
