// The webhooks section of the API document: one entry per event type, its payload the event's
// own schema (data typed as the code that logs the event is), and how to check a request.
import type { OperationObject, SchemaObject } from 'openapi3-ts/oas31';
import type { TSchema } from 'typebox';
import { EVENT_NAMES } from '../events/types.js';
import { EVENT_PAYLOADS } from '../schemas/events.js';
import { TestEventPayload } from '../schemas/webhooks.js';

const DELIVERY = [
  'POSTed to the `webhooks` URL of the settings, in order per account, at least once (retried with backoff for',
  '`--event-retention`, then parked as a dead letter). Answer 2xx within 10 s. With a signing `secret`, the header',
  '`x-imapapi-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` signs it: recompute it',
  'over the raw body, compare in constant time, and refuse old timestamps. The same payload is a frame of',
  '`/v1/stream` and an item of `GET /v1/events`.',
].join(' ');

const header = (name: string, description: string, required = true) => ({ name, in: 'header' as const, required, description, schema: { type: 'string' as const } });

/** [event name, path item] for every event type; `plain` turns a TypeBox schema into JSON Schema. */
export function webhookItems(plain: (s: TSchema) => SchemaObject): [string, Record<string, OperationObject>][] {
  const item = (summary: string, payload: TSchema, description = DELIVERY): Record<string, OperationObject> => ({
    post: {
      summary, description, tags: ['Webhooks'],
      parameters: [
        header('x-imapapi-event-id', 'The event id (increasing)'), header('x-imapapi-event', 'The event name'),
        header('x-imapapi-account', 'The account id, percent-encoded when not plain ASCII', false),
        header('x-imapapi-signature', 'Present when a signing secret is set', false),
      ],
      requestBody: { required: true, content: { 'application/json': { schema: plain(payload) } } },
      responses: { 200: { description: 'Delivered (any 2xx)' } },
    },
  });
  return [
    ...EVENT_NAMES.map((event): [string, Record<string, OperationObject>] => [event, item(`${event} event`, EVENT_PAYLOADS[event])]),
    ['test', item('test delivery', TestEventPayload, 'Sent once by POST /v1/webhooks/test (the Settings tab\'s button), signed like every event; not logged, not retried, not on the stream.')],
  ];
}
