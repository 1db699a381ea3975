// The authorization-code flow of an OAuth2 app: start a sign-in (a 302 to the provider, or
// its URL as JSON for a page that holds the token), the provider's callback that registers
// the account, and the current access token of an app account.
import Type from 'typebox';
import { ApiError } from '../../errors.js';
import { AccountParams } from '../../schemas/common.js';
import { OAuth2AppParams } from '../../schemas/oauth2.js';
import { OAuth2CallbackQuery, OAuth2FlowQuery, OAuth2FlowStart, OAuth2FlowUrl, OAuthTokenView } from '../../schemas/oauth2-flow.js';
import { stateAccount } from '../../oauth/auth-state.js';
import { TextReply } from '../reply.js';
import { defineRoute } from '../route.js';

const tags = ['OAuth2'];
const errors = ['ShardUnavailable', 'DeadlineExceeded'] as const;
const Redirect = Type.Unsafe<TextReply>({ type: 'null', description: 'See the Location header' });
/** A 302 whose body says where, for clients that show it. */
const redirect = (location: string) => new TextReply(`Redirecting to ${location}\n`, { location, 'cache-control': 'no-store' });

const CALLBACK_DOC = 'The provider sends the browser here (the app\'s redirectUrl must point at this path). It trades the code for tokens, '
  + 'learns the mailbox from the ID token or userinfo, registers the account (or gives an existing one its new grant) and redirects to the '
  + '`redirect` of the sign-in with `account`, `result` (new|existing) and `user`, or with `error` and `message` — then nothing was registered. '
  + 'error is the provider\'s own (e.g. access_denied) or one of StateExpired, NoCode, InvalidGrant, TokenRejected, TokenUnavailable, '
  + 'NoRefreshToken, UserUnknown, UserMismatch, AccountConflict, OAuth2AppNotFound. A state that was changed or not made by this server is a 400.';

export const oauth2FlowRoutes = [
  defineRoute({
    method: 'get', path: '/v1/oauth2/{app}/authorize', scope: 'admin', tags, status: 302,
    summary: 'Start a sign-in with the app for `account`: redirects the browser to the provider (state sealed and expiring, PKCE S256)',
    params: OAuth2AppParams, query: OAuth2FlowQuery, response: Redirect, errors: ['OAuth2AppNotFound', 'Conflict', ...errors],
    handle: async ({ params, query }, { shards }) => {
      const { access_token: _, ...start } = query;
      const { url } = await shards.callOne(params.app, 'startOAuth2', { ...start, app: params.app });
      return redirect(url);
    },
  }),
  defineRoute({
    method: 'post', path: '/v1/oauth2/{app}/authorize', scope: 'admin', tags,
    summary: 'Start a sign-in with the app for `account`: the provider URL to send a browser to (for pages that hold the API token)',
    params: OAuth2AppParams, body: OAuth2FlowStart, response: OAuth2FlowUrl, errors: ['OAuth2AppNotFound', 'Conflict', ...errors],
    handle: ({ params, body }, { shards }) => shards.callOne(params.app, 'startOAuth2', { ...body, app: params.app }),
  }),
  defineRoute({
    method: 'get', path: '/oauth/callback', scope: 'public', tags, status: 302, summary: CALLBACK_DOC, noHead: true,
    query: OAuth2CallbackQuery, response: Redirect, errors: ['MethodNotAllowed', ...errors],
    handle: async ({ query }, { shards }) => {
      const account = stateAccount(query.state);
      if (account === null) throw new ApiError('ValidationError', 'The sign-in state is not valid', [{ field: 'state', reason: 'is not a state this server made: start the sign-in again' }]);
      const args: { state: string; code?: string; error?: string; errorDescription?: string } = { state: query.state };
      if (query.code !== undefined) args.code = query.code;
      if (query.error !== undefined) args.error = query.error;
      if (query.error_description !== undefined) args.errorDescription = query.error_description;
      const { location } = await shards.callAccount(account, 'finishOAuth2', args);
      return redirect(location);
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/account/{account}/oauth-token', scope: 'admin', tags: ['Account'],
    summary: 'The current access token of an account on an OAuth2 app, refreshed when due (for the provider\'s own APIs); 409 for other accounts',
    params: AccountParams, response: OAuthTokenView, errors: ['AccountNotFound', 'Conflict', 'UpstreamRejected', ...errors],
    handle: ({ params }, { shards }) => shards.callAccount(params.account, 'getOAuthToken', {}),
  }),
];
