// Change events as consumers see them (webhook body, WebSocket frame, pull API item), one
// named shape per event type, and the account state frames of the stream.
import Type, { type Static, type TSchema } from 'typebox';
import { EVENT_NAMES, type EventName, type EventPayload as LoggedEvent } from '../events/types.js';
import { AccountStateSchema, LastError } from './account.js';
import { AccountId } from './common.js';
import { EVENT_DATA } from './event-data.js';

export const EventId = Type.String({ pattern: '^\\d{1,16}$', description: 'Event id: a decimal number, increasing' });

const envelope = {
  id: EventId,
  account: Type.String(),
  path: Type.Union([Type.String(), Type.Null()]),
  date: Type.String({ format: 'date-time' }),
};

/** Any event, its data unchecked (a parked webhook delivery keeps whatever it was sent). */
export const EventPayload = Type.Object({
  id: envelope.id, account: envelope.account, path: envelope.path,
  event: Type.Enum(EVENT_NAMES),
  data: Type.Record(Type.String(), Type.Unknown()),
  date: envelope.date,
});

/** The component name of one event type's payload: messageNew → MessageNewEvent. */
export const eventComponent = (event: EventName) => `${event[0]!.toUpperCase()}${event.slice(1)}Event`;

const payloadOf = <K extends EventName>(event: K) => Type.Object({ id: envelope.id, account: envelope.account, path: envelope.path, event: Type.Literal(event), data: EVENT_DATA[event], date: envelope.date });

/** One schema per event type: its name as `event`, its own `data`. */
export const EVENT_PAYLOADS = Object.fromEntries(EVENT_NAMES.map((e) => [e, payloadOf(e)])) as { [K in EventName]: ReturnType<typeof payloadOf<K>> };

/** Any event, as a oneOf on `event` so a consumer can generate one type per event (in code the
 *  log's generic payload: newEvent typed each one's data when it was logged). */
export const Event = Type.Unsafe<LoggedEvent>({
  oneOf: EVENT_NAMES.map((e): TSchema => EVENT_PAYLOADS[e]),
  discriminator: { propertyName: 'event', mapping: Object.fromEntries(EVENT_NAMES.map((e) => [e, `#/components/schemas/${eventComponent(e)}`])) },
});

export const EventsQuery = Type.Object({
  since: Type.Optional(EventId),
  account: Type.Optional(Type.Array(AccountId, { maxItems: 100, description: 'Repeatable; none = all accounts' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
}, { additionalProperties: false });

export const EventsPage = Type.Object({
  events: Type.Array(Event),
  next: Type.String({ description: 'Pass as `since` to continue' }),
  head: Type.String({ description: 'Last event id in the log' }),
});

/** The WebSocket stream's query: same `account` and `since` as the pull API. */
export const StreamQuery = Type.Object({
  since: Type.Optional(EventId),
  account: Type.Optional(Type.Array(AccountId, { maxItems: 100 })),
  states: Type.Optional(Type.Boolean({ default: false, description: 'Also send accountState frames: live connection state changes of the followed accounts (never replayed)' })),
  access_token: Type.Optional(Type.String({ maxLength: 256, description: 'API token with the stream scope, for clients (browsers) that cannot set the Authorization header on an upgrade' })),
}, { additionalProperties: false });

/** A connection state change of one account, live on /v1/stream with states=true (not logged). */
export const AccountStateFrame = Type.Object({
  kind: Type.Literal('accountState'),
  account: Type.String(),
  state: AccountStateSchema,
  lastError: Type.Optional(LastError),
  date: Type.String({ format: 'date-time', description: 'When the state changed' }),
});
export type AccountStateFrame = Static<typeof AccountStateFrame>;

export const StreamFrame = Type.Union([Event, AccountStateFrame], {
  description: 'An event (as the webhooks send it); accountState frames come only with states=true: first the state of every account the stream follows, when it goes live, then each change',
});
