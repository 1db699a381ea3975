// Folder routes: list with counts, create, rename, delete.
import { AccountParams } from '../../schemas/common.js';
import {
  MailboxCreate, MailboxCreated, MailboxDeleted, MailboxList, MailboxQuery, MailboxRename, MailboxRenamed,
} from '../../schemas/mailbox.js';
import { defineRoute } from '../route.js';
import { JsonText } from '../reply.js';

const tags = ['Mailbox'];
const common = ['AccountNotFound', 'NotConnected', 'UpstreamRejected', 'ShardUnavailable', 'DeadlineExceeded'] as const;

export const mailboxRoutes = [
  defineRoute({
    method: 'get', path: '/v1/account/{account}/mailboxes', scope: 'api', tags, summary: 'List folders with message counts and special use',
    params: AccountParams, response: MailboxList, errors: [...common],
    handle: async ({ params }, { shards }) => new JsonText(await shards.callAccountJson(params.account, 'listMailboxes', {})),
  }),
  defineRoute({
    method: 'post', path: '/v1/account/{account}/mailbox', scope: 'api', tags, summary: 'Create a folder (parents are created as needed); path is a string or, as in the original, an array of names',
    params: AccountParams, body: MailboxCreate, response: MailboxCreated, errors: [...common, 'Conflict'],
    handle: ({ params, body }, { shards }) => shards.callAccount(params.account, 'createMailbox', { path: body.path }),
  }),
  defineRoute({
    method: 'put', path: '/v1/account/{account}/mailbox', scope: 'api', tags, summary: 'Rename a folder',
    params: AccountParams, body: MailboxRename, response: MailboxRenamed, errors: [...common, 'MailboxNotFound', 'Conflict'],
    handle: ({ params, body }, { shards }) => shards.callAccount(params.account, 'renameMailbox', { path: body.path, newPath: body.newPath }),
  }),
  defineRoute({
    method: 'delete', path: '/v1/account/{account}/mailbox', scope: 'api', tags, summary: 'Delete a folder',
    params: AccountParams, query: MailboxQuery, response: MailboxDeleted, errors: [...common, 'MailboxNotFound'],
    handle: ({ params, query }, { shards }) => shards.callAccount(params.account, 'deleteMailbox', { path: query.path }),
  }),
];

