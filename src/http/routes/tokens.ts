// API token routes: make one (the token is answered this once), list them (never the token or
// its hash), revoke one (refused from the next request on). All need the admin scope.
import { ApiError, validationError } from '../../errors.js';
import { TokenCreated, TokenDeleted, TokenInput, TokenList, TokenParams } from '../../schemas/tokens.js';
import { tokenView } from '../token-cache.js';
import { defineRoute } from '../route.js';

const tags = ['Tokens'];

function expiry(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const at = Date.parse(raw);
  if (!Number.isFinite(at)) throw validationError([{ field: 'expires', reason: 'must be an ISO 8601 date-time' }]);
  if (at <= Date.now()) throw validationError([{ field: 'expires', reason: 'must be in the future' }]);
  return at;
}

export const tokenRoutes = [
  defineRoute({
    method: 'post', path: '/v1/token', scope: 'admin', tags, summary: 'Make an API token: the answer holds the token itself, shown this once (only its SHA-256 is kept)',
    body: TokenInput, response: TokenCreated, errors: [],
    handle: async ({ body }, { tokens }) => {
      const expires = expiry(body.expires);
      const { token, record } = await tokens.create({
        description: body.description, scopes: body.scopes,
        ...(body.account !== undefined ? { account: body.account } : {}), ...(expires !== undefined ? { expires } : {}),
      });
      const { lastUsed: _, ...view } = tokenView(record);
      return { ...view, token };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/tokens', scope: 'admin', tags, summary: 'Every API token: id, description, scopes, account, created, expires, lastUsed (never the token)',
    response: TokenList, errors: [],
    handle: async (_input, { tokens }) => ({ tokens: tokens.list() }),
  }),
  defineRoute({
    method: 'delete', path: '/v1/token/{id}', scope: 'admin', tags, summary: 'Revoke an API token: refused from the next request on',
    params: TokenParams, response: TokenDeleted, errors: ['TokenNotFound'],
    handle: async ({ params }, { tokens }) => {
      if (!(await tokens.revoke(params.id))) throw new ApiError('TokenNotFound', `API token "${params.id}" does not exist`, { id: params.id });
      return { id: params.id, deleted: true };
    },
  }),
];
