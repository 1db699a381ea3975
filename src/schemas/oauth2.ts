// OAuth2 apps on the wire: what POST/PUT /v1/oauth2 take and what GET answers. The client
// secret is write-only: an answer says only that one is set (clientSecretSet).
import Type, { type Static, type TSchema } from 'typebox';
import { closed } from './common.js';

export const PROVIDERS = ['google', 'microsoft', 'generic'] as const;
export type Provider = (typeof PROVIDERS)[number];
export const TOKEN_AUTH = ['client_secret_post', 'client_secret_basic'] as const;
export type TokenAuth = (typeof TOKEN_AUTH)[number];

const httpUrl = (description: string) => Type.String({
  format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$', maxLength: 2048, description, 'x-reason': 'must be an http or https URL',
});
/** Our /oauth/callback as the provider knows it (behind a proxy, maybe under a prefix): the
 *  sign-in link is `start` next to it, so it must end in /oauth/callback. */
const CallbackUrl = Type.String({
  format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s?#]+/oauth/callback$', maxLength: 2048,
  'x-reason': 'must be an http(s) URL ending in /oauth/callback (this server\'s callback as the provider knows it, exactly as registered there)',
  description: 'This server\'s /oauth/callback as the browser reaches it, exactly as registered at the provider',
});
const Name = Type.String({ minLength: 1, maxLength: 256, description: 'Shown in the admin page and the app list' });
const ProviderSchema = Type.Enum(PROVIDERS, { description: 'google and microsoft fill the URLs and mail scopes; generic needs authorizationUrl and tokenUrl' });
const ClientId = Type.String({ minLength: 1, maxLength: 1024 });
const ClientSecret = Type.String({ minLength: 1, maxLength: 4096, writeOnly: true, description: 'Sealed at rest, never returned' });
const Scopes = Type.Array(Type.String({ minLength: 1, maxLength: 512, pattern: '^[!#-\\[\\]-~]+$', 'x-reason': 'must be one scope token (no spaces or quotes)' }), {
  maxItems: 64, description: 'Scopes asked for (default: the provider\'s mail scopes)',
});
const Tenant = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._-]+$', 'x-reason': 'must be a tenant id or domain', description: 'microsoft only: the directory (default "common")' });
const TokenAuthSchema = Type.Enum(TOKEN_AUTH, { description: 'How the client authenticates at the token URL (RFC 6749 §2.3.1; default client_secret_post)' });
/** Where the app's mailboxes are: an account on the app without imap/smtp settings gets these. */
export const MailServer = Type.Object({
  host: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s/]+$' }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  secure: Type.Optional(Type.Boolean({ description: 'TLS from the start (993/465); false = STARTTLS when offered' })),
}, closed);
export type MailServer = Static<typeof MailServer>;
const imapDefault = 'IMAP server of the app\'s accounts when they give none (google and microsoft: their own)';
const smtpDefault = 'SMTP server of the app\'s accounts when they give none (google and microsoft: their own)';
const userinfoDoc = 'OpenID Connect userinfo endpoint, asked who signed in when the ID token does not say (google: its own)';
const revocationDoc = 'RFC 7009 revocation endpoint: a grant a sign-in could not use is revoked there (google: its own; microsoft has none)';

export const OAuth2AppInput = Type.Object({
  name: Name,
  provider: ProviderSchema,
  clientId: ClientId,
  clientSecret: ClientSecret,
  authorizationUrl: Type.Optional(httpUrl('Authorization endpoint (default: the provider\'s)')),
  tokenUrl: Type.Optional(httpUrl('Token endpoint (default: the provider\'s)')),
  scopes: Type.Optional(Scopes),
  redirectUrl: CallbackUrl,
  tenant: Type.Optional(Tenant),
  tokenAuth: Type.Optional(TokenAuthSchema),
  userinfoUrl: Type.Optional(httpUrl(userinfoDoc)),
  revocationUrl: Type.Optional(httpUrl(revocationDoc)),
  imap: Type.Optional(Type.Object(MailServer.properties, { ...closed, description: imapDefault })),
  smtp: Type.Optional(Type.Object(MailServer.properties, { ...closed, description: smtpDefault })),
}, closed);
export type OAuth2AppInput = Static<typeof OAuth2AppInput>;

const clearable = <T extends TSchema>(s: T, description: string) => Type.Optional(Type.Union([s, Type.Null()], { description }));

/** Partial update; null puts an optional field back to its default. */
export const OAuth2AppPatch = Type.Object({
  name: Type.Optional(Name),
  provider: Type.Optional(ProviderSchema),
  clientId: Type.Optional(ClientId),
  clientSecret: Type.Optional(ClientSecret),
  authorizationUrl: clearable(httpUrl('Authorization endpoint'), 'null: the provider\'s'),
  tokenUrl: clearable(httpUrl('Token endpoint'), 'null: the provider\'s'),
  scopes: clearable(Scopes, 'null: the provider\'s mail scopes'),
  redirectUrl: Type.Optional(CallbackUrl),
  tenant: clearable(Tenant, 'null: "common"'),
  tokenAuth: clearable(TokenAuthSchema, 'null: client_secret_post'),
  userinfoUrl: clearable(httpUrl('Userinfo endpoint'), 'null: the provider\'s'),
  revocationUrl: clearable(httpUrl('Revocation endpoint'), 'null: the provider\'s'),
  imap: clearable(MailServer, 'null: the provider\'s'),
  smtp: clearable(MailServer, 'null: the provider\'s'),
}, closed);
export type OAuth2AppPatch = Static<typeof OAuth2AppPatch>;

export const OAuth2AppView = Type.Object({
  id: Type.String({ description: 'Names the app in /v1/oauth2/{app} and in an account\'s oauth2.app' }),
  name: Type.String(),
  provider: ProviderSchema,
  clientId: Type.String(),
  clientSecretSet: Type.Boolean({ description: 'Always true: the secret itself is never returned' }),
  authorizationUrl: Type.String({ description: 'Effective URL (given, or the provider preset)' }),
  tokenUrl: Type.String({ description: 'Effective URL (given, or the provider preset)' }),
  scopes: Type.Array(Type.String(), { description: 'Effective scopes' }),
  signInScopes: Type.Array(Type.String(), { description: 'What a sign-in asks the provider for: the scopes plus the OpenID Connect ones that say who signed in' }),
  redirectUrl: Type.String(),
  tenant: Type.Optional(Type.String()),
  tokenAuth: TokenAuthSchema,
  userinfoUrl: Type.Optional(Type.String({ description: 'Effective URL (given, or the provider preset)' })),
  revocationUrl: Type.Optional(Type.String({ description: 'Effective URL (given, or the provider preset)' })),
  imap: Type.Optional(Type.Object(MailServer.properties, { description: imapDefault })),
  smtp: Type.Optional(Type.Object(MailServer.properties, { description: smtpDefault })),
  created: Type.String({ format: 'date-time' }),
  updated: Type.String({ format: 'date-time' }),
});
export type OAuth2AppView = Static<typeof OAuth2AppView>;

export const OAuth2AppList = Type.Object({ apps: Type.Array(OAuth2AppView) });
export const OAuth2AppParams = Type.Object({ app: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) }, closed);
export const OAuth2AppDeleted = Type.Object({ id: Type.String(), deleted: Type.Boolean() });
