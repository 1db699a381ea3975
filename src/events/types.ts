// Change events as stored in the log and sent to consumers (payload of the original IMAP API
// plus a monotonically increasing id).

export const EVENT_NAMES = [
  'messageNew', 'messageDeleted', 'messageUpdated', 'mailboxNew', 'mailboxDeleted', 'mailboxReset',
  'authenticationError', 'authenticationSuccess', 'connectError', 'accountAdded', 'accountDeleted',
  'messageSent', 'messageDeliveryError', 'messageFailed',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** An event about to be appended (the log assigns id and date). */
export interface NewEvent {
  account: string;
  path: string | null;
  event: EventName;
  data: Record<string, unknown>;
}

export interface StoredEvent extends NewEvent {
  id: number;
  date: string;
}

/** The JSON every consumer gets: webhook body, WebSocket frame, pull API item. */
export interface EventPayload {
  id: string;
  account: string;
  path: string | null;
  event: EventName;
  data: Record<string, unknown>;
  date: string;
}

export function toPayload(e: StoredEvent): EventPayload {
  return { id: String(e.id), account: e.account, path: e.path, event: e.event, data: e.data, date: e.date };
}
