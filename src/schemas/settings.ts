// Server-wide settings as the API takes and returns them: ours (webhooks on/off, signing secret)
// and the original IMAP API's (notify options, auth server, IMAP logs, Gmail app). Secrets are
// write-only: an answer says whether one is set, never what it is.
import Type, { type Static } from 'typebox';
import { EVENT_NAMES } from '../events/types.js';

const httpUrl = (description: string) => Type.String({
  format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$', maxLength: 2048, description,
  'x-reason': 'must be an http or https URL',
});

export const WebhookUrl = httpUrl('http(s) URL every event is POSTed to');

export const EventFilter = Type.Array(Type.Union([Type.Literal('*'), Type.Enum(EVENT_NAMES)]), {
  minItems: 1, maxItems: 32, description: 'Event names to send, or ["*"] for all',
});

/** Largest notifyTextSize, and what 0 (no limit) means: the text a messageNew carries is never larger. */
export const MAX_NOTIFY_TEXT = 5 * 1024 * 1024;

const HeaderName = Type.String({ minLength: 1, maxLength: 256, pattern: '^(\\*|[!-9;-~]+)$', 'x-reason': 'must be a header name or "*"' });

export const LogsPatch = Type.Object({
  all: Type.Optional(Type.Boolean({ description: 'Keep the IMAP traffic of every account' })),
  accounts: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 1000, description: 'Accounts whose IMAP traffic is kept' })),
  maxLogLines: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Lines kept per logged account (in memory; at most 4 MiB of them)' })),
  resetLoggedAccounts: Type.Optional(Type.Boolean({ description: 'Reconnect the logged accounts now (not stored)' })),
}, { additionalProperties: false });

const nullable = <T extends ReturnType<typeof Type.String>>(s: T, description: string) => Type.Optional(Type.Union([s, Type.Null()], { description }));
/** A URL setting: null or '' (the original's way of clearing one) removes it. */
const clearable = <T extends ReturnType<typeof Type.String>>(s: T, description: string) => Type.Optional(Type.Union([s, Type.Literal(''), Type.Null()], { description }));

export const SettingsPatch = Type.Object({
  webhooks: clearable(WebhookUrl, 'Webhook URL; null or "" removes it'),
  webhookEvents: Type.Optional(EventFilter),
  webhooksEnabled: Type.Optional(Type.Boolean({ description: 'Pause (false) or resume delivery; resuming skips what happened while paused' })),
  secret: nullable(Type.String({ minLength: 16, maxLength: 512, writeOnly: true }), 'Signing secret for x-imapapi-signature (at least 16 characters); null removes it'),
  notifyHeaders: Type.Optional(Type.Array(HeaderName, { maxItems: 100, description: 'Headers whose values messageNew carries (fetched at delivery), "*" for all' })),
  notifyText: Type.Optional(Type.Boolean({ description: 'messageNew carries the decoded text (fetched at delivery, never stored)' })),
  notifyTextSize: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_NOTIFY_TEXT, description: 'Bytes of each text kept in messageNew; 0 = up to 5 MiB' })),
  authServer: clearable(httpUrl('URL asked for the credentials of accounts with useAuthServer'), 'Auth server URL; null or "" removes it'),
  gmailClientId: nullable(Type.String({ minLength: 1, maxLength: 256 }), 'Gmail OAuth2 client id'),
  gmailClientSecret: nullable(Type.String({ minLength: 1, maxLength: 256, writeOnly: true }), 'Gmail OAuth2 client secret (write-only)'),
  gmailRedirectUrl: clearable(httpUrl('Gmail OAuth2 callback URL'), 'Gmail OAuth2 callback URL; null or "" removes it'),
  logs: Type.Optional(LogsPatch),
}, { additionalProperties: false, minProperties: 1 });
export type SettingsPatch = Static<typeof SettingsPatch>;

const flag = () => Type.Optional(Type.Boolean({ default: false }));
/** GET /v1/settings?webhooks=true&…: the original's key selection; no flag set = every key. */
export const SettingsQuery = Type.Object({
  eventTypes: flag(), webhooks: flag(), webhookEvents: flag(), notifyHeaders: flag(), authServer: flag(), notifyText: flag(),
  notifyTextSize: flag(), gmailClientId: flag(), gmailClientSecret: flag(), gmailRedirectUrl: flag(), logs: flag(),
}, { additionalProperties: false });
export type SettingsQuery = Static<typeof SettingsQuery>;

/** Every settings key; a string that is not set is absent (never null). */
export const SettingsView = Type.Object({
  webhooks: Type.Optional(Type.String()),
  webhookEvents: Type.Array(Type.String()),
  webhooksEnabled: Type.Boolean(),
  secretSet: Type.Boolean({ description: 'Whether a signing secret is stored (the secret itself is never returned)' }),
  notifyHeaders: Type.Array(Type.String()),
  notifyText: Type.Boolean(),
  notifyTextSize: Type.Integer(),
  authServer: Type.Optional(Type.String()),
  gmailClientId: Type.Optional(Type.String()),
  gmailClientSecretSet: Type.Boolean({ description: 'Whether a Gmail client secret is stored (never returned)' }),
  gmailRedirectUrl: Type.Optional(Type.String()),
  logs: Type.Object({ all: Type.Boolean(), accounts: Type.Array(Type.String()), maxLogLines: Type.Integer(), resetLoggedAccounts: Type.Boolean() }),
});
export type SettingsView = Static<typeof SettingsView>;

/** The answer of GET: the keys asked for (all of SettingsView without flags) and eventTypes. */
export const SettingsAnswer = Type.Object({
  ...Type.Partial(SettingsView).properties,
  eventTypes: Type.Optional(Type.Array(Type.String(), { description: 'Every event name' })),
});
export type SettingsAnswer = Static<typeof SettingsAnswer>;

export const SettingsUpdated = Type.Object({
  updated: Type.Array(Type.String(), { description: 'The keys the request set' }),
});
