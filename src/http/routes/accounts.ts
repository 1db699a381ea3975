// Account routes: register, list, read, update, delete, reconnect.
import {
  AccountAck, AccountInput, AccountList, AccountListQuery, AccountPatch, AccountView, PutAccountResult,
} from '../../schemas/account.js';
import { AccountParams, pageBounds } from '../../schemas/common.js';
import { ReconnectBody } from '../../schemas/account-actions.js';
import { defineRoute } from '../route.js';
import { JsonText } from '../reply.js';

const tags = ['Account'];

export const accountRoutes = [
  defineRoute({
    method: 'post', path: '/v1/account', scope: 'api', tags, summary: 'Register an account, or replace the settings of an existing id',
    body: AccountInput, response: PutAccountResult, errors: ['ShardUnavailable', 'DeadlineExceeded'],
    handle: ({ body }, { shards }) => shards.callAccount(body.account, 'createAccount', { input: body }),
  }),
  defineRoute({
    method: 'get', path: '/v1/accounts', scope: 'api', tags, summary: 'List accounts, paged, optionally by connection state',
    query: AccountListQuery, response: AccountList, errors: ['ShardUnavailable', 'DeadlineExceeded'],
    handle: async ({ query }, { shards }) => {
      const page = query.page ?? 0;
      if (query.state === 'unset') return { total: 0, page, pages: 0, accounts: [] };
      const parts = await shards.callAll('listAccounts', query.state ? { state: query.state } : {});
      const all = parts.flatMap((p) => p.accounts).sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
      const { pages, start, end } = pageBounds(all.length, page, query.pageSize ?? 20);
      return { total: all.length, page, pages, accounts: all.slice(start, end) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/account/{account}', scope: 'api', tags, summary: 'Account settings (without passwords), state and last error',
    params: AccountParams, response: AccountView, errors: ['AccountNotFound', 'ShardUnavailable', 'DeadlineExceeded'],
    // returned unchanged: the shard encodes it, the front writes the text
    handle: async ({ params }, { shards }) => new JsonText(await shards.callAccountJson(params.account, 'getAccount', {})),
  }),
  defineRoute({
    method: 'put', path: '/v1/account/{account}', scope: 'api', tags, summary: 'Update some settings; reconnects when IMAP settings change',
    params: AccountParams, body: AccountPatch, response: AccountAck, errors: ['AccountNotFound', 'ShardUnavailable', 'DeadlineExceeded'],
    handle: ({ params, body }, { shards }) => shards.callAccount(params.account, 'updateAccount', { patch: body }),
  }),
  defineRoute({
    method: 'delete', path: '/v1/account/{account}', scope: 'api', tags, summary: 'Log out and remove the account and everything stored for it',
    params: AccountParams, response: AccountAck, errors: ['AccountNotFound', 'ShardUnavailable', 'DeadlineExceeded'],
    handle: async ({ params }, { shards, states }) => {
      const done = await shards.callAccount(params.account, 'deleteAccount', {});
      states.forget(params.account);
      return done;
    },
  }),
  defineRoute({
    method: 'put', path: '/v1/account/{account}/reconnect', scope: 'api', tags, summary: 'Drop the IMAP connection and connect again now (the body is optional; `reconnect: false` does nothing)',
    params: AccountParams, body: ReconnectBody, optionalBody: true, response: AccountAck, errors: ['AccountNotFound', 'ShardUnavailable', 'DeadlineExceeded'],
    handle: async ({ params, body }, { shards }) => {
      if (body.reconnect !== false) return shards.callAccount(params.account, 'reconnectAccount', {});
      await shards.callAccount(params.account, 'getAccount', {}); // still a 404 for an unknown account
      return { account: params.account, reconnect: false };
    },
  }),
];
