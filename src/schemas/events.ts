// Change events as consumers see them (webhook body, WebSocket frame, pull API item).
import Type from 'typebox';
import { EVENT_NAMES } from '../events/types.js';
import { AccountId } from './common.js';

export const EventId = Type.String({ pattern: '^\\d{1,16}$', description: 'Event id: a decimal number, increasing' });

export const EventPayload = Type.Object({
  id: EventId,
  account: Type.String(),
  path: Type.Union([Type.String(), Type.Null()]),
  event: Type.Enum(EVENT_NAMES),
  data: Type.Record(Type.String(), Type.Unknown()),
  date: Type.String({ format: 'date-time' }),
});

export const EventsQuery = Type.Object({
  since: Type.Optional(EventId),
  account: Type.Optional(Type.Array(AccountId, { maxItems: 100, description: 'Repeatable; none = all accounts' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
}, { additionalProperties: false });

export const EventsPage = Type.Object({
  events: Type.Array(EventPayload),
  next: Type.String({ description: 'Pass as `since` to continue' }),
  head: Type.String({ description: 'Last event id in the log' }),
});

/** The WebSocket stream's query: same `account` and `since` as the pull API. */
export const StreamQuery = Type.Object({
  since: Type.Optional(EventId),
  account: Type.Optional(Type.Array(AccountId, { maxItems: 100 })),
}, { additionalProperties: false });
