// The retention window: events older than it leave the log, but never silently. Whatever
// webhook delivery still owes is parked as a dead letter first, and an event a lane is
// still trying stays until the lane has given up on it.
import type { Logger } from '../log.js';
import type { EventLog } from '../store/events.js';
import type { Dispatcher } from './dispatcher.js';

export interface RetentionDeps {
  events: EventLog;
  dispatcher: Dispatcher;
  /** ms */
  retention: number;
  log: Logger;
}

/** Events EventLog.prune() deletes per transaction. */
const PRUNE_BATCH = 5000;

/** Park what is owed and delete what is older than the window; returns the counts. */
export async function enforceRetention(deps: RetentionDeps, now = Date.now()): Promise<{ parked: number; removed: number }> {
  deps.events.refresh();
  let cutoff = new Date(now - deps.retention).toISOString();
  const held = deps.dispatcher.oldestHeld();
  if (held && held.date < cutoff) cutoff = held.date;
  // the parked copies are committed before the originals are deleted
  const parked = await deps.dispatcher.expire(cutoff);
  let removed = 0;
  for (let n = PRUNE_BATCH; n === PRUNE_BATCH; removed += n) n = await deps.events.prune(cutoff, PRUNE_BATCH);
  if (removed || parked) deps.log.info({ removed, parked, cutoff }, 'event log pruned');
  return { parked, removed };
}

/** Prune every 30 s; more often when the window itself is short (tests use a few seconds). */
export function pruneInterval(retention: number): number {
  return Math.min(30_000, Math.max(500, Math.floor(retention / 4)));
}
