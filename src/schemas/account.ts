// Account settings as the API takes and returns them (shapes of the original IMAP API).
import Type, { type Static } from 'typebox';
import { AccountId, Page, PageSize, Paged, closed } from './common.js';

export const ACCOUNT_STATES = ['init', 'connecting', 'syncing', 'connected', 'disconnected', 'authenticationError', 'connectError', 'disabled'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];
export const AccountStateSchema = Type.Enum(ACCOUNT_STATES);

const Host = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s/]+$' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Tls = Type.Object({
  rejectUnauthorized: Type.Optional(Type.Boolean({ description: 'Refuse invalid server certificates (default true)' })),
  servername: Type.Optional(Type.String({ maxLength: 255 })),
}, closed);

const Auth = Type.Object({
  user: Type.String({ minLength: 1, maxLength: 512 }),
  pass: Type.String({ minLength: 1, maxLength: 4096, writeOnly: true }),
}, closed);

export const ServerSettings = Type.Object({
  host: Host,
  port: Port,
  secure: Type.Optional(Type.Boolean({ description: 'TLS from the start (993/465); false = STARTTLS when offered' })),
  auth: Auth,
  tls: Type.Optional(Tls),
}, closed);
export type ServerSettings = Static<typeof ServerSettings>;

const Email = Type.String({
  minLength: 3, maxLength: 320, pattern: '^[^\\s@<>(),;:"]+@[^\\s@<>(),;:"]+$',
  description: "The account's own address: the default From of what it sends, left out of a reply-all (default: a login name that is an address)",
});

export const AccountInput = Type.Object({
  account: AccountId,
  name: Type.Optional(Type.String({ maxLength: 256 })),
  imap: ServerSettings,
  smtp: Type.Optional(ServerSettings),
  disabled: Type.Optional(Type.Boolean({ description: 'Keep the account but do not connect' })),
  email: Type.Optional(Email),
  copy: Type.Optional(Type.Boolean({ description: 'Store sent mail in the Sent folder (default: yes, except on servers that file it themselves, like Gmail)' })),
}, closed);
export type AccountInput = Static<typeof AccountInput>;

const ServerPatch = Type.Object({
  host: Type.Optional(Host),
  port: Type.Optional(Port),
  secure: Type.Optional(Type.Boolean()),
  auth: Type.Optional(Type.Object({ user: Type.Optional(Auth.properties.user), pass: Type.Optional(Auth.properties.pass) }, closed)),
  tls: Type.Optional(Tls),
}, closed);
export type ServerPatch = Static<typeof ServerPatch>;

export const AccountPatch = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 256 })),
  imap: Type.Optional(ServerPatch),
  smtp: Type.Optional(Type.Union([ServerSettings, ServerPatch, Type.Null()], { description: 'Partial update, full settings, or null to remove' })),
  disabled: Type.Optional(Type.Boolean()),
  email: Type.Optional(Type.Union([Email, Type.Null()], { description: 'null: back to the default' })),
  copy: Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description: 'null: back to the default' })),
}, { ...closed, minProperties: 1 });
export type AccountPatch = Static<typeof AccountPatch>;

const PublicServer = Type.Object({
  host: Type.String(),
  port: Type.Integer(),
  secure: Type.Boolean(),
  auth: Type.Object({ user: Type.String() }),
  tls: Type.Optional(Tls),
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

export const AccountView = Type.Object({
  account: Type.String(),
  name: Type.String(),
  state: AccountStateSchema,
  lastError: Type.Optional(LastError),
  syncTime: Type.Optional(Type.String({ format: 'date-time', description: 'End of the last completed sync since start-up; absent before the first' })),
  imap: PublicServer,
  smtp: Type.Optional(PublicServer),
  disabled: Type.Boolean(),
  email: Type.Optional(Type.String()),
  copy: Type.Optional(Type.Boolean()),
  created: Type.String({ format: 'date-time' }),
  updated: Type.String({ format: 'date-time' }),
  counters: Counters,
});
export type AccountView = Static<typeof AccountView>;

export const AccountSummary = Type.Object({
  account: Type.String(),
  name: Type.String(),
  state: AccountStateSchema,
  lastError: Type.Optional(LastError),
  syncTime: AccountView.properties.syncTime,
});
export type AccountSummary = Static<typeof AccountSummary>;

export const AccountList = Type.Object({ ...Paged, accounts: Type.Array(AccountSummary) });
export const AccountListQuery = Type.Object({
  page: Type.Optional(Page),
  pageSize: Type.Optional(PageSize),
  state: Type.Optional(AccountStateSchema),
}, closed);

export const PutAccountResult = Type.Object({
  account: Type.String(),
  state: Type.Union([Type.Literal('new'), Type.Literal('existing')], { description: 'Whether the id was new or replaced an existing account' }),
});
export type PutAccountResult = Static<typeof PutAccountResult>;

export const AccountAck = Type.Object({ account: Type.String(), updated: Type.Optional(Type.Boolean()), deleted: Type.Optional(Type.Boolean()), reconnect: Type.Optional(Type.Boolean()) });
export type AccountAck = Static<typeof AccountAck>;
