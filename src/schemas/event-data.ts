// What each event's `data` holds, one TypeBox schema per event name: the code that builds the
// events takes its types from here (newEvent), and the API document's webhooks section shows them.
import Type, { type Static, type TSchema } from 'typebox';
import type { EventName, NewEvent } from '../events/types.js';
import { MessageEntry, TextInfo } from './message.js';

export const ProblemData = Type.Object({ message: Type.String({ description: "What went wrong, with the server's words" }), code: Type.Optional(Type.String()) });
export const FolderData = Type.Object({ path: Type.String(), mailboxId: Type.Integer(), specialUse: Type.Optional(Type.String()) });
export const AccountData = Type.Object({ account: Type.String() });
const Queued = { queueId: Type.String(), messageId: Type.String() };
const Refused = Type.Object({ recipient: Type.String(), error: Type.String(), responseCode: Type.Optional(Type.Integer()) });
const SmtpFailure = { error: Type.String({ description: "The SMTP server's answer or the network error" }), responseCode: Type.Optional(Type.Integer()) };

export const MessageNewData = Type.Object({
  ...MessageEntry.properties,
  // notifyText / notifyHeaders: fetched when delivered or read, never stored
  text: Type.Optional(Type.Object({
    ...TextInfo.properties,
    plain: Type.Optional(Type.String()), html: Type.Optional(Type.String()), hasMore: Type.Optional(Type.Boolean()),
  })),
  headers: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()), { description: 'notifyHeaders: lower-case name → values' })),
  contentUnavailable: Type.Optional(Type.String({ description: 'Why text or headers could not be added (e.g. "message is gone")' })),
});

export const EVENT_DATA = {
  messageNew: MessageNewData,
  messageDeleted: Type.Object({ id: Type.String(), uid: Type.Integer() }),
  messageUpdated: Type.Object({
    id: Type.String(), uid: Type.Integer(),
    changes: Type.Object({ flags: Type.Object({ added: Type.Optional(Type.Array(Type.String())), removed: Type.Optional(Type.Array(Type.String())) }) }),
  }),
  mailboxNew: FolderData,
  mailboxDeleted: FolderData,
  mailboxReset: Type.Object({ uidValidity: Type.String(), previousUidValidity: Type.String() }),
  authenticationError: ProblemData,
  authenticationSuccess: Type.Object({ user: Type.String() }),
  connectError: ProblemData,
  accountAdded: AccountData,
  accountDeleted: AccountData,
  messageSent: Type.Object({
    ...Queued, response: Type.String({ description: "The SMTP server's answer" }),
    refused: Type.Optional(Type.Array(Refused, { description: 'Recipients refused for good; those refused for now are retried' })),
    possibleDuplicate: Type.Optional(Type.Boolean()),
  }),
  messageDeliveryError: Type.Object({
    ...Queued, ...SmtpFailure, attempt: Type.Integer(), nextAttempt: Type.Optional(Type.String({ format: 'date-time' })),
    unconfirmed: Type.Optional(Type.Boolean()), recipients: Type.Optional(Type.Array(Type.String())), retryOf: Type.Optional(Type.String()),
  }),
  messageFailed: Type.Object({ ...Queued, ...SmtpFailure, attempts: Type.Integer() }),
} satisfies Record<EventName, TSchema>;

export type EventData<K extends EventName> = Static<(typeof EVENT_DATA)[K]>;

/** An event about to be logged, its data checked against its event's schema by the compiler. */
export function newEvent<K extends EventName>(account: string, path: string | null, event: K, data: EventData<K>): NewEvent {
  return { account, path, event, data: data as Record<string, unknown> };
}
