// Pure decisions of webhook delivery, kept apart so they are unit-tested: which events go
// out, what a request carries, how long to wait before the next try and when to give up.
import { toPayload, type StoredEvent } from '../events/types.js';
import type { NotifyOptions } from '../protocol/ops.js';
import { VERSION } from '../version.js';
import type { TestEventPayload } from '../schemas/webhooks.js';

/** Where and how events go while delivery is active. */
export interface Target {
  url: string;
  /** opened signing secret, null = unsigned */
  secret: string | null;
  /** event names to send, null = all */
  events: ReadonlySet<string> | null;
  /** what messageNew carries besides the logged event (fetched at delivery); absent = nothing */
  content?: NotifyOptions;
}

/** One request to make: the body and the headers that describe it. */
export interface Envelope {
  body: string;
  headers: Record<string, string>;
}

/** The event filter of the settings: null when it lets everything through. */
export function eventFilter(names: readonly string[]): ReadonlySet<string> | null {
  return names.includes('*') ? null : new Set(names);
}

export function wanted(target: Target, event: string): boolean {
  return !target.events || target.events.has(event);
}

// Header values must be visible ASCII. An id that is not (or holds a '%') goes percent-encoded,
// so decodeURIComponent() on the header always gives the id back.
const headerSafe = (s: string) => (/^[\x21-\x7e ]*$/.test(s) && !s.includes('%') ? s : encodeURIComponent(s));

const base = { 'content-type': 'application/json', 'user-agent': `imapapi/${VERSION}` };

/** The request for a logged event: its payload as the body, the routing fields as headers. */
export function envelopeOf(e: StoredEvent): Envelope {
  return {
    body: JSON.stringify(toPayload(e)),
    headers: { ...base, 'x-imapapi-event-id': String(e.id), 'x-imapapi-event': e.event, 'x-imapapi-account': headerSafe(e.account) },
  };
}

/** The request of POST /v1/webhooks/test: event "test", id "0", about no account. */
export function testEnvelope(now = new Date()): Envelope {
  const payload: TestEventPayload = { id: '0', account: null, path: null, event: 'test', data: { message: 'Test delivery from IMAP API' }, date: now.toISOString() };
  return { body: JSON.stringify(payload), headers: { ...base, 'x-imapapi-event-id': '0', 'x-imapapi-event': 'test' } };
}

/** An event is retried until it leaves the retention window (then it is parked). */
export function giveUpAt(e: StoredEvent, retention: number): number {
  return Date.parse(e.date) + retention;
}

/** The wait before the next try: the backoff's delay, but never past the give-up time. */
export function retryDelay(backoffDelay: number, now: number, giveUp: number): number {
  return Math.max(0, Math.min(backoffDelay, giveUp - now));
}
