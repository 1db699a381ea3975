// Webhook delivery shapes: parked (dead-letter) events, replay, the test delivery, counters.
import Type, { type Static } from 'typebox';
import { AccountId, Page, PageSize, Paged, closed } from './common.js';
import { EventId, EventPayload } from './events.js';

export const DeadLetter = Type.Object({
  id: EventId,
  account: Type.String(),
  event: Type.String(),
  payload: EventPayload,
  reason: Type.String({ description: 'Why the last attempt failed, or why none was made' }),
  status: Type.Union([Type.Integer(), Type.Null()], { description: "The receiver's HTTP status on the last attempt; null when it did not answer" }),
  attempts: Type.Integer({ minimum: 0 }),
  parkedAt: Type.String({ format: 'date-time' }),
});
export type DeadLetter = Static<typeof DeadLetter>;

export const DeadLetterQuery = Type.Object({
  page: Type.Optional(Page),
  pageSize: Type.Optional(PageSize),
  account: Type.Optional(AccountId),
}, closed);

export const DeadLetterPage = Type.Object({ ...Paged, failed: Type.Array(DeadLetter, { description: 'Newest first' }) });
export type DeadLetterPage = Static<typeof DeadLetterPage>;

export const ReplayBody = Type.Object({
  ids: Type.Optional(Type.Array(EventId, { minItems: 1, maxItems: 1000, description: 'Event ids to re-send; none = every parked event' })),
  account: Type.Optional(AccountId),
}, closed);
export type ReplayInput = Static<typeof ReplayBody>;

export const ReplayResult = Type.Object({
  replayed: Type.Integer({ description: 'Delivered now and removed from the list' }),
  failed: Type.Integer({ description: 'Selected but still parked (the receiver refused, or the call ran out of time)' }),
  remaining: Type.Integer({ description: 'Parked events matching the selection after this call' }),
});
export type ReplayResult = Static<typeof ReplayResult>;

/** What POST /v1/webhooks/test delivers: about no account, never in the log. */
export const TestEventPayload = Type.Object({
  id: Type.Literal('0'),
  account: Type.Null(),
  path: Type.Null(),
  event: Type.Literal('test'),
  data: Type.Object({ message: Type.String() }),
  date: Type.String({ format: 'date-time' }),
}, { description: 'The test delivery (POST /v1/webhooks/test); never logged, never retried' });
export type TestEventPayload = Static<typeof TestEventPayload>;

export const WebhookTestResult = Type.Object({
  ok: Type.Boolean({ description: 'The receiver answered 2xx' }),
  status: Type.Union([Type.Integer(), Type.Null()], { description: "The receiver's HTTP status; null when it did not answer" }),
  durationMs: Type.Number(),
  error: Type.Optional(Type.String()),
});
export type WebhookTestResult = Static<typeof WebhookTestResult>;

export const WebhookCounters = Type.Object({
  delivered: Type.Integer({ description: 'Events accepted (2xx) since the worker started' }),
  failed: Type.Integer({ description: 'Failed attempts since the worker started' }),
  parked: Type.Integer({ description: 'Events parked since the worker started' }),
  deadLetters: Type.Integer({ description: 'Events in the dead-letter list now' }),
  pendingAccounts: Type.Integer({ description: 'Accounts with an event being sent or waiting for a retry' }),
  inFlight: Type.Integer(),
});
export type WebhookCounters = Static<typeof WebhookCounters>;

export const WebhookStats = Type.Object({
  state: Type.Union([Type.Literal('starting'), Type.Literal('up'), Type.Literal('down'), Type.Literal('failed')]),
  restarts: Type.Integer(),
  counters: Type.Union([WebhookCounters, Type.Null()], { description: 'null while the worker is not answering' }),
});
