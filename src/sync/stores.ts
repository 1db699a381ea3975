// The LMDB pieces a sync writes together in one transaction, and where committed events go.
import type { RootDatabase } from 'lmdb';
import type { StoredEvent } from '../events/types.js';
import type { Logger } from '../log.js';
import type { EventLog } from '../store/events.js';
import type { MailboxStore } from '../store/mailboxes.js';
import type { UidStore } from '../store/uids.js';
import type { Strategy } from './strategy.js';

export interface SyncStores {
  root: RootDatabase;
  mailboxes: MailboxStore;
  uids: UidStore;
  events: EventLog;
}

export interface SyncContext {
  account: string;
  stores: SyncStores;
  strategy: Strategy;
  log: Logger;
  /** called after each commit with the events it stored */
  published(events: StoredEvent[]): void;
}

/** Run `fn` in one write transaction; publish the events it appended once committed. */
export async function commit(ctx: Pick<SyncContext, 'stores' | 'published'>, fn: () => StoredEvent[]): Promise<void> {
  let stored: StoredEvent[] = [];
  await ctx.stores.root.transaction(() => { stored = fn(); });
  if (stored.length) ctx.published(stored);
}
