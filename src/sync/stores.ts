// What one account's sync works with: the stores it commits to (store/commit.ts), its strategy,
// its logger, and where committed events go.
import type { StoredEvent } from '../events/types.js';
import type { Logger } from '../log.js';
import type { SyncStores } from '../store/commit.js';
import type { Strategy } from './strategy.js';

export { commit, type SyncStores } from '../store/commit.js';

export interface SyncContext {
  account: string;
  stores: SyncStores;
  strategy: Strategy;
  log: Logger;
  /** called after each commit with the events it stored */
  published(events: StoredEvent[]): void;
  /** ms since epoch: messages with an older internal date never produce messageNew */
  notifyFrom(): number;
  /** the one folder watched for changes, or null for every folder */
  watched: string | null;
  /** notifyFrom was set before the account was added: its first sync announces that older mail */
  backfill: boolean;
}
