// The webhook worker's handler table, checked against WebhookOps: settings, the dead-letter
// list and its replay, a test delivery and counters.
import { ApiError } from '../errors.js';
import { toPayload } from '../events/types.js';
import type { WebhookHandlers } from '../protocol/ops.js';
import type { DeadLetter } from '../schemas/webhooks.js';
import { pageBounds } from '../schemas/common.js';
import type { DeadLetterRecord, DeadLetterStore } from '../store/dead-letters.js';
import type { Dispatcher } from './dispatcher.js';
import { testEnvelope } from './policy.js';
import { replay } from './replay.js';
import type { Sender } from './sender.js';
import type { Settings } from './settings.js';

export interface HandlerDeps {
  settings: Settings;
  dispatcher: Dispatcher;
  dead: DeadLetterStore;
  sender: Sender;
  /** what one API call may spend on requests to the receiver, ms */
  budgetMs: number;
  concurrency: number;
}

const toView = (r: DeadLetterRecord): DeadLetter => ({
  id: String(r.event.id), account: r.event.account, event: r.event.event, payload: toPayload(r.event),
  reason: r.reason, status: r.status, attempts: r.attempts, parkedAt: r.parkedAt,
});

export function webhookHandlers(deps: HandlerDeps): WebhookHandlers {
  const { settings, dispatcher, dead, sender } = deps;
  return {
    getSettings: async () => settings.view(),

    updateSettings: async ({ patch }) => {
      const { view, before, after } = await settings.update(patch);
      if (!after) dispatcher.stop();
      else if (!before) dispatcher.start(after, settings.from);
      else dispatcher.retarget(after);
      return view;
    },

    listDeadLetters: async ({ page, pageSize, account }) => {
      const total = dead.count(account);
      const { pages } = pageBounds(total, page, pageSize);
      return { total, page, pages, failed: dead.page(page, pageSize, account).map(toView) };
    },

    replayDeadLetters: (input) => replay({ dead, sender, target: settings.target(), budgetMs: deps.budgetMs, concurrency: deps.concurrency }, input),

    testWebhook: async () => {
      const endpoint = settings.endpoint();
      if (settings.secretUnreadable) throw new ApiError('Conflict', 'The stored signing secret cannot be decrypted (the server key changed); set it again');
      if (!endpoint) throw new ApiError('Conflict', 'No webhook URL is set; set one with PUT /v1/settings first');
      const res = await sender.post(endpoint.url, endpoint.secret, testEnvelope(), Math.min(10_000, deps.budgetMs));
      return { ok: res.ok, status: res.status, durationMs: res.durationMs, ...(res.error && !res.ok ? { error: res.error } : {}) };
    },

    webhookStats: async () => ({
      ...dispatcher.counters, deadLetters: dead.count(), pendingAccounts: dispatcher.pendingAccounts, inFlight: dispatcher.inFlight,
    }),
  };
}
