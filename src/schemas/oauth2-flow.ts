// The authorization-code flow of an OAuth2 app on the wire: starting a sign-in (the provider URL),
// the provider's callback, and the current access token of an app account.
import Type, { type Static } from 'typebox';
import { AccountId, closed } from './common.js';

const Redirect = Type.String({
  maxLength: 2048, pattern: '^([Hh][Tt][Tt][Pp][Ss]?://[^\\s]+|/(?![/\\\\])[^\\s]*)$', 'x-reason': 'must be an http(s) URL or a path on this server',
  description: 'Where the browser goes when the sign-in ends, with `account` and `result` (new|existing) and `user`, or `error` and `message`, in the query (default: the admin page)',
});

const startFields = {
  account: AccountId,
  name: Type.Optional(Type.String({ maxLength: 256, description: 'Name of a new account (default: the address that signed in)' })),
  redirect: Type.Optional(Redirect),
  loginHint: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'The address to preselect at the provider (login_hint); an existing account\'s own is used without it' })),
};

export const OAuth2FlowStart = Type.Object(startFields, closed);
export type OAuth2FlowStart = Static<typeof OAuth2FlowStart>;

export const OAuth2FlowQuery = Type.Object({
  ...startFields,
  access_token: Type.Optional(Type.String({ maxLength: 256, description: 'API token with the admin scope, for a browser that follows a link' })),
}, closed);

export const OAuth2FlowUrl = Type.Object({
  url: Type.String({ description: 'The provider\'s authorization URL: send the browser there' }),
  expires: Type.String({ format: 'date-time', description: 'The sign-in must end by then' }),
});

/** Providers add parameters of their own (scope, session_state, iss, authuser …): not closed. */
export const OAuth2CallbackQuery = Type.Object({
  state: Type.String({ minLength: 1, maxLength: 8192 }),
  code: Type.Optional(Type.String({ maxLength: 8192 })),
  error: Type.Optional(Type.String({ maxLength: 256 })),
  error_description: Type.Optional(Type.String({ maxLength: 2048 })),
});

export const Redirected = Type.Null({ description: 'A redirect (Location); no body' });

export const OAuthTokenView = Type.Object({
  account: Type.String(),
  user: Type.String({ description: 'The mailbox the token is for' }),
  accessToken: Type.String({ description: 'A current access token (refreshed by the server): use it with the provider\'s own APIs too' }),
  expires: Type.String({ format: 'date-time' }),
  app: Type.String(),
  provider: Type.String(),
  scopes: Type.Array(Type.String(), { description: 'What the app asks for' }),
});
export type OAuthTokenView = Static<typeof OAuthTokenView>;
