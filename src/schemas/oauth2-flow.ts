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

export const OAuth2StartQuery = Type.Object({ state: Type.String({ minLength: 1, maxLength: 8192 }) }, closed);

export const OAuth2FlowUrl = Type.Object({
  url: Type.String({ description: 'The sign-in link on this server: open it in the browser that signs in (it goes on to the provider); good for one sign-in' }),
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

/** What an account must still be when a sign-in writes its grant (checked in its settings turn). */
export type GrantPrecondition = { absent: true } | { app: string; user: string };

/** A cookie the front sets (maxAge > 0) or clears (maxAge 0) on a sign-in's redirect. */
export interface FlowCookie { name: string; path: string; secure: boolean; maxAge: number }

/** Where the browser goes next, and the cookie to set or clear on the way. */
export interface FlowHop { location: string; cookie?: FlowCookie }
