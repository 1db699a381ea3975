// Account settings as the API takes and returns them (shapes of the original IMAP API).
import Type, { type Static } from 'typebox';
import { AccountId, Page, PageSize, Paged, closed } from './common.js';

export const ACCOUNT_STATES = ['init', 'connecting', 'syncing', 'connected', 'disconnected', 'authenticationError', 'connectError', 'disabled'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];
export const AccountStateSchema = Type.Enum(ACCOUNT_STATES);

const Host = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s/]+$' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
/** Node's TLS protocol names (tls.DEFAULT_MIN_VERSION and friends). */
export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
const Tls = Type.Object({
  rejectUnauthorized: Type.Optional(Type.Boolean({ description: 'Refuse invalid server certificates (default true)' })),
  servername: Type.Optional(Type.String({ maxLength: 255 })),
  minVersion: Type.Optional(Type.Enum(TLS_VERSIONS, { description: 'Lowest TLS version to accept' })),
}, closed);

const User = Type.String({ minLength: 1, maxLength: 512 });
const Secret = (description: string) => Type.String({ minLength: 1, maxLength: 4096, writeOnly: true, description });
const Auth = Type.Object({
  user: User,
  pass: Type.Optional(Secret('Password (or give accessToken)')),
  accessToken: Type.Optional(Secret('OAuth2 access token: logs in with XOAUTH2 / OAUTHBEARER')),
}, closed);

const UseAuthServer = Type.Boolean({ description: 'Ask the authServer URL of the settings for the credentials at every login; none is stored' });
/** Seconds between checks of the folders other than INBOX (overrides --sync-interval). */
const ResyncDelay = Type.Number({ minimum: 1, maximum: 86_400, description: 'Seconds between checks of the folders other than INBOX for this account' });

const serverFields = {
  host: Host,
  port: Port,
  secure: Type.Optional(Type.Boolean({ description: 'TLS from the start (993/465); false = STARTTLS when offered' })),
  auth: Type.Optional(Auth),
  useAuthServer: Type.Optional(UseAuthServer),
  tls: Type.Optional(Tls),
};

/** SMTP settings; `auth` needs `pass` or `accessToken` unless `useAuthServer` (checked in account-settings). */
export const SmtpSettings = Type.Object(serverFields, closed);
export type SmtpSettings = Static<typeof SmtpSettings>;
export const ImapSettings = Type.Object({ ...serverFields, resyncDelay: Type.Optional(ResyncDelay) }, closed);
export type ImapSettings = Static<typeof ImapSettings>;
/** What both protocols share. */
export type ServerSettings = SmtpSettings & { resyncDelay?: number };

/** Login credentials as used for one connection (opened, or from the auth server); never stored. */
export type Credentials = { user: string; pass: string } | { user: string; accessToken: string };

/** The credentials written in `auth` itself (a token wins over a password), or null. */
export function credentialsIn(auth: ServerSettings['auth']): Credentials | null {
  if (auth?.accessToken) return { user: auth.user, accessToken: auth.accessToken };
  if (auth?.pass) return { user: auth.user, pass: auth.pass };
  return null;
}

const Email = Type.String({
  minLength: 3, maxLength: 320, pattern: '^[^\\s@<>(),;:"]+@[^\\s@<>(),;:"]+$',
  description: "The account's own address: the default From of what it sends, left out of a reply-all (default: a login name that is an address)",
});
const WatchPath = Type.String({ minLength: 1, maxLength: 1024, pattern: '^[^\\u0000-\\u001f\\u007f]+$', 'x-reason': 'must not contain control characters such as CR, LF or NUL', description: 'Watch only this folder for changes (e.g. "INBOX"); "*" = every folder (default)' });
const NotifyFrom = Type.String({ format: 'date-time', description: 'Messages with an older internal date never produce messageNew (default: when the account was added)' });
const AppId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'The OAuth2 app (its id from POST /v1/oauth2) whose client refreshes the tokens' });
const Oauth2 = Type.Object({
  auth: Type.Optional(Type.Object({ user: User }, closed)),
  app: Type.Optional(AppId),
  user: Type.Optional(Type.String({ ...User, description: 'The login name (the mailbox address) the tokens are for' })),
  refreshToken: Type.Optional(Secret('Refresh token of the grant; sealed at rest, never returned (a rotated one replaces it)')),
}, { ...closed, description: 'OAuth2 app login: with app, user and refreshToken the server fetches and refreshes access tokens itself (imap.auth may then be absent)' });
const Oauth2View = Type.Object({
  auth: Type.Optional(Type.Object({ user: Type.String() })),
  app: Type.Optional(Type.String()),
  user: Type.Optional(Type.String()),
});
export type Oauth2Settings = Static<typeof Oauth2>;
const NoSmtp = Type.Literal(false, { description: 'No SMTP settings' });

export const AccountInput = Type.Object({
  account: AccountId,
  name: Type.Optional(Type.String({ maxLength: 256 })),
  imap: Type.Optional(Type.Object(ImapSettings.properties, {
    ...closed, 'x-reason': 'must be the IMAP settings object ({host, port, auth, …}); the original\'s `imap: false` is not supported: give oauth2 { app, user, refreshToken } instead',
    description: 'Required, except with oauth2.app: then the app\'s IMAP server (its provider\'s, or the one it names) when absent',
  })),
  smtp: Type.Optional(Type.Union([SmtpSettings, NoSmtp], { description: 'With oauth2.app: the app\'s SMTP server when absent (false: none)' })),
  disabled: Type.Optional(Type.Boolean({ description: 'Keep the account but do not connect' })),
  email: Type.Optional(Email),
  copy: Type.Optional(Type.Boolean({ description: 'Store sent mail in the Sent folder (default: yes, except on servers that file it themselves, like Gmail)' })),
  path: Type.Optional(WatchPath),
  notifyFrom: Type.Optional(NotifyFrom),
  oauth2: Type.Optional(Oauth2),
}, closed);
export type AccountInput = Static<typeof AccountInput>;

const patchFields = {
  host: Type.Optional(Host),
  port: Type.Optional(Port),
  secure: Type.Optional(Type.Boolean()),
  auth: Type.Optional(Type.Object({ user: Type.Optional(User), pass: Type.Optional(Auth.properties.pass), accessToken: Type.Optional(Auth.properties.accessToken) }, closed)),
  useAuthServer: Type.Optional(UseAuthServer),
  tls: Type.Optional(Tls),
};
const SmtpPatch = Type.Object(patchFields, closed);
const ImapPatch = Type.Object({ ...patchFields, resyncDelay: Type.Optional(Type.Union([ResyncDelay, Type.Null()])) }, closed);
export type ServerPatch = Static<typeof SmtpPatch> & { resyncDelay?: number | null };

export const AccountPatch = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 256 })),
  imap: Type.Optional(ImapPatch),
  smtp: Type.Optional(Type.Union([SmtpSettings, SmtpPatch, Type.Null(), NoSmtp], { description: 'Partial update, full settings, or null (or false) to remove' })),
  disabled: Type.Optional(Type.Boolean()),
  email: Type.Optional(Type.Union([Email, Type.Null()], { description: 'null: back to the default' })),
  copy: Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description: 'null: back to the default' })),
  path: Type.Optional(Type.Union([WatchPath, Type.Null()], { description: 'null: every folder' })),
  notifyFrom: Type.Optional(Type.Union([NotifyFrom, Type.Null()], { description: 'null: back to the default' })),
  oauth2: Type.Optional(Type.Object({ user: Type.Optional(Oauth2.properties.user), refreshToken: Type.Optional(Oauth2.properties.refreshToken) }, { ...closed, description: 'A new user or refresh token of an OAuth2 app login' })),
}, closed);
export type AccountPatch = Static<typeof AccountPatch>;

const PublicServer = Type.Object({
  host: Type.String(),
  port: Type.Integer(),
  secure: Type.Boolean(),
  auth: Type.Optional(Type.Object({ user: Type.String() })),
  useAuthServer: Type.Optional(Type.Boolean()),
  tls: Type.Optional(Tls),
  resyncDelay: Type.Optional(Type.Number()),
});
export type PublicServer = Static<typeof PublicServer>;

/** Why the account last failed; absent (never null) once it connects again. */
export const LastError = Type.Object({
  message: Type.String(),
  code: Type.Optional(Type.String()),
  time: Type.String({ format: 'date-time' }),
  response: Type.String({ description: 'The same as message, under the original IMAP API\'s name' }),
  serverResponseCode: Type.Optional(Type.String({ description: 'The same as code, under the original IMAP API\'s name' })),
});
export type LastError = Static<typeof LastError>;

export const Counters = Type.Object({
  connects: Type.Integer({ description: 'Successful logins since start-up' }),
  disconnects: Type.Integer(),
  connectErrors: Type.Integer(),
  authErrors: Type.Integer(),
  lastConnected: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
});
export type Counters = Static<typeof Counters>;

/** One row of the account list: who, how it is doing, and its counters (for dashboards). */
export const AccountSummary = Type.Object({
  account: Type.String(),
  name: Type.String(),
  state: AccountStateSchema,
  lastError: Type.Optional(LastError),
  syncTime: Type.Optional(Type.String({ format: 'date-time', description: 'End of the last completed sync since start-up; absent before the first' })),
  nextTry: Type.Optional(Type.String({ format: 'date-time', description: 'When the next connection attempt is due (while not connected and a retry is scheduled)' })),
  disabled: Type.Boolean(),
  counters: Counters,
});
export type AccountSummary = Static<typeof AccountSummary>;

export const AccountView = Type.Object({
  ...AccountSummary.properties,
  imap: PublicServer,
  smtp: Type.Optional(PublicServer),
  email: Type.Optional(Type.String()),
  copy: Type.Optional(Type.Boolean()),
  path: Type.Optional(Type.String()),
  notifyFrom: Type.String({ format: 'date-time' }),
  oauth2: Type.Optional(Oauth2View),
  created: Type.String({ format: 'date-time' }),
  updated: Type.String({ format: 'date-time' }),
});
export type AccountView = Static<typeof AccountView>;

export const AccountList = Type.Object({ ...Paged, accounts: Type.Array(AccountSummary) });
export const AccountListQuery = Type.Object({
  page: Type.Optional(Page),
  pageSize: Type.Optional(PageSize),
  // `unset` (the original's accounts without valid settings) never occurs here: an empty page
  state: Type.Optional(Type.Enum([...ACCOUNT_STATES, 'unset'])),
}, closed);

export const PutAccountResult = Type.Object({
  account: Type.String(),
  state: Type.Union([Type.Literal('new'), Type.Literal('existing')], { description: 'Whether the id was new or replaced an existing account' }),
});
export type PutAccountResult = Static<typeof PutAccountResult>;

export const AccountAck = Type.Object({ account: Type.String(), updated: Type.Optional(Type.Boolean()), deleted: Type.Optional(Type.Boolean()), reconnect: Type.Optional(Type.Boolean()) });
export type AccountAck = Static<typeof AccountAck>;
