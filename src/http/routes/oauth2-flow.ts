// The authorization-code flow of an OAuth2 app: a sign-in link (JSON, or a 302 to it), the
// link itself (marks the browser with a cookie, then the provider), the provider's callback
// that registers the account, and the current access token of an app account.
import Type from 'typebox';
import { ApiError } from '../../errors.js';
import { AccountParams } from '../../schemas/common.js';
import { OAuth2AppParams } from '../../schemas/oauth2.js';
import { OAuth2CallbackQuery, OAuth2FlowStart, OAuth2FlowUrl, OAuth2StartQuery, OAuthTokenView, type FlowHop } from '../../schemas/oauth2-flow.js';
import { stateAccount } from '../../oauth/auth-state.js';
import { TextReply } from '../reply.js';
import { defineRoute } from '../route.js';

const tags = ['OAuth2'];
const errors = ['ShardUnavailable', 'DeadlineExceeded'] as const;
const Redirect = Type.Unsafe<TextReply>({ type: 'null', description: 'See the Location header' });
/** A 302 whose body says where, for clients that show it. */
const redirect = (location: string, headers: Record<string, string> = {}) => new TextReply(`Redirecting to ${location}\n`, { location, 'cache-control': 'no-store', ...headers });

/** The hop's redirect with its cookie set or cleared (HttpOnly, SameSite=Lax: sent on the
 *  provider's top-level redirect back, never to scripts or cross-site requests). */
function hop({ location, cookie }: FlowHop): TextReply {
  if (!cookie) return redirect(location);
  const attrs = [`${cookie.name}=${cookie.maxAge > 0 ? '1' : ''}`, `Path=${cookie.path}`, `Max-Age=${cookie.maxAge}`, 'HttpOnly', 'SameSite=Lax', ...(cookie.secure ? ['Secure'] : [])];
  return redirect(location, { 'set-cookie': attrs.join('; ') });
}

const badState = () => new ApiError('ValidationError', 'The sign-in state is not valid', [{ field: 'state', reason: 'is not a state this server made: start the sign-in again' }]);

const CALLBACK_DOC = 'The provider sends the browser here (the app\'s redirectUrl must point at this path). In the browser that opened the '
  + 'sign-in link, once, it trades the code for tokens, learns the mailbox from the ID token or userinfo, registers the account (or gives an '
  + 'existing one of the same mailbox its new grant) and redirects to the `redirect` of the sign-in with `account`, `result` (new|existing) and '
  + '`user`, or with `error` and `message` — then nothing was registered. error is the provider\'s own (e.g. access_denied) or one of '
  + 'StateExpired, LinkUsed, BrowserMismatch, StateUsed, NoCode, InvalidGrant, TokenRejected, TokenUnavailable, NoRefreshToken, UserUnknown, UserMismatch, '
  + 'AccountConflict, Conflict, OAuth2AppNotFound, ValidationError. A state that was changed or not made by this server is a 400.';

export const oauth2FlowRoutes = [
  defineRoute({
    method: 'post', path: '/v1/oauth2/{app}/authorize', scope: 'admin', tags, noStore: true,
    summary: 'Start a sign-in with the app for `account`: a one-time sign-in link on this server (`start` next to the app\'s redirectUrl) to open in the browser that signs in',
    params: OAuth2AppParams, body: OAuth2FlowStart, response: OAuth2FlowUrl, errors: ['OAuth2AppNotFound', 'Conflict', ...errors],
    handle: ({ params, body }, { shards }) => shards.callOne(params.app, 'startOAuth2', { ...body, app: params.app }),
  }),
  defineRoute({
    method: 'get', path: '/v1/oauth2/{app}/authorize', scope: 'admin', tags, status: 302,
    summary: 'The same sign-in as POST, answered as a 302 to the sign-in link',
    params: OAuth2AppParams, query: OAuth2FlowStart, response: Redirect, errors: ['OAuth2AppNotFound', 'Conflict', ...errors],
    handle: async ({ params, query }, { shards }) => redirect((await shards.callOne(params.app, 'startOAuth2', { ...query, app: params.app })).url),
  }),
  defineRoute({
    method: 'get', path: '/oauth/start', scope: 'public', tags, status: 302, noHead: true,
    summary: 'The sign-in link: marks this browser with a cookie (only it can finish the sign-in) and redirects to the provider (state sealed, PKCE S256)',
    query: OAuth2StartQuery, response: Redirect, errors: ['MethodNotAllowed', ...errors],
    handle: async ({ query }, { shards }) => {
      const account = stateAccount(query.state);
      if (account === null) throw badState();
      return hop(await shards.callOne(account, 'openOAuth2', { state: query.state }));
    },
  }),
  defineRoute({
    method: 'get', path: '/oauth/callback', scope: 'public', tags, status: 302, summary: CALLBACK_DOC, noHead: true, headers: ['cookie'],
    query: OAuth2CallbackQuery, response: Redirect, errors: ['MethodNotAllowed', ...errors],
    handle: async ({ query, headers }, { shards }) => {
      const account = stateAccount(query.state);
      if (account === null) throw badState();
      const args: { state: string; code?: string; error?: string; errorDescription?: string; cookie: string } = { state: query.state, cookie: headers.cookie ?? '' };
      if (query.code !== undefined) args.code = query.code;
      if (query.error !== undefined) args.error = query.error;
      if (query.error_description !== undefined) args.errorDescription = query.error_description;
      return hop(await shards.callAccount(account, 'finishOAuth2', args));
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/account/{account}/oauth-token', scope: 'admin', tags: ['Account'], noStore: true,
    summary: 'The current access token of an account on an OAuth2 app, refreshed when due (for the provider\'s own APIs); 409 for other accounts',
    params: AccountParams, response: OAuthTokenView, errors: ['AccountNotFound', 'Conflict', 'UpstreamRejected', ...errors],
    handle: ({ params }, { shards }) => shards.callAccount(params.account, 'getOAuthToken', {}),
  }),
];
