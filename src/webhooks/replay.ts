// Re-sends parked events on request: in id order per account, accounts in parallel, each
// delivered one removed from the list, within a time budget so the API call can answer.
import { ApiError } from '../errors.js';
import type { ReplayInput, ReplayResult } from '../schemas/webhooks.js';
import type { DeadLetterRecord, DeadLetterStore } from '../store/dead-letters.js';
import { envelopeOf, type Target } from './policy.js';
import type { Sender } from './sender.js';

export interface ReplayDeps {
  dead: DeadLetterStore;
  sender: Sender;
  target: Target | null;
  /** stop starting requests after this long, ms */
  budgetMs: number;
  /** accounts replayed at once */
  concurrency: number;
}

/** Entries one call takes on; `remaining` tells the caller to call again. */
const MAX_PER_CALL = 1000;

export async function replay(deps: ReplayDeps, input: ReplayInput): Promise<ReplayResult> {
  const { dead, sender, target } = deps;
  if (!target) throw new ApiError('Conflict', 'Webhooks are disabled or have no URL; set them with PUT /v1/settings first');
  const ids = input.ids?.map(Number);
  const selected = dead.select(MAX_PER_CALL, ids, input.account);
  const lanes = new Map<string, DeadLetterRecord[]>();
  for (const r of selected) {
    const lane = lanes.get(r.event.account);
    if (lane) lane.push(r);
    else lanes.set(r.event.account, [r]);
  }
  const queue = [...lanes.values()];
  const until = Date.now() + deps.budgetMs;
  let replayed = 0;
  const worker = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) {
      for (const r of lane) {
        if (Date.now() > until) break;
        const res = await sender.post(target.url, target.secret, envelopeOf(r.event));
        if (res.ok) {
          await dead.remove(r.event.id, r.event.account);
          replayed++;
          continue;
        }
        await dead.put({ ...r, status: res.status, reason: res.error ?? 'failed', attempts: r.attempts + 1 });
        // the rest of this account waits: sending it now would put it before this event
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency, queue.length) }, worker));
  const remaining = ids ? selected.length - replayed : dead.count(input.account);
  return { replayed, failed: selected.length - replayed, remaining };
}
