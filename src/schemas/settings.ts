// Server-wide settings as the API takes and returns them: where webhooks go, which events,
// whether they are on, and the signing secret (write-only: it is never returned).
import Type, { type Static } from 'typebox';
import { EVENT_NAMES } from '../events/types.js';

export const WebhookUrl = Type.String({
  format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$', maxLength: 2048,
  description: 'http(s) URL every event is POSTed to',
});

export const EventFilter = Type.Array(Type.Union([Type.Literal('*'), Type.Enum(EVENT_NAMES)]), {
  minItems: 1, maxItems: 32, description: 'Event names to send, or ["*"] for all',
});

export const SettingsPatch = Type.Object({
  webhooks: Type.Optional(Type.Union([WebhookUrl, Type.Null()], { description: 'Webhook URL; null removes it' })),
  webhookEvents: Type.Optional(EventFilter),
  webhooksEnabled: Type.Optional(Type.Boolean({ description: 'Pause (false) or resume delivery; resuming skips what happened while paused' })),
  secret: Type.Optional(Type.Union([Type.String({ minLength: 16, maxLength: 512, writeOnly: true }), Type.Null()], {
    description: 'Signing secret for x-imapapi-signature (at least 16 characters); null removes it',
  })),
  logs: Type.Optional(Type.Object({
    all: Type.Optional(Type.Boolean({ description: 'Keep the IMAP traffic of every account' })),
    accounts: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 10_000, description: 'Accounts whose IMAP traffic is kept' })),
    maxLogLines: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Lines kept per account (default 10000)' })),
  }, { additionalProperties: false, description: 'IMAP traffic logs (GET /v1/logs/:account), kept in memory only' })),
}, { additionalProperties: false, minProperties: 1 });
export type SettingsPatch = Static<typeof SettingsPatch>;

export const SettingsView = Type.Object({
  webhooks: Type.Union([Type.String(), Type.Null()]),
  webhookEvents: Type.Array(Type.String()),
  webhooksEnabled: Type.Boolean(),
  secretSet: Type.Boolean({ description: 'Whether a signing secret is stored (the secret itself is never returned)' }),
});
export type SettingsView = Static<typeof SettingsView>;
