// Routes of the original IMAP API for trying settings and reading traffic: POST /v1/verifyAccount
// (logins tried on a shard, nothing stored) and GET /v1/logs/{account} (the kept IMAP lines).
import Type from 'typebox';
import { AccountParams } from '../../schemas/common.js';
import { VerifyInput, VerifyResult } from '../../schemas/verify.js';
import { defineRoute } from '../route.js';
import { TextReply } from '../reply.js';
import { contentDisposition } from '../stream-reply.js';

const LogText = Type.Unsafe<TextReply>({ type: 'string', description: 'text/plain: one line per IMAP command or response, oldest first' });

export const verifyRoutes = [
  defineRoute({
    method: 'post', path: '/v1/verifyAccount', scope: 'admin', tags: ['Account'], summary: 'Try IMAP and SMTP settings (login, no mail sent); nothing is stored',
    body: VerifyInput, response: VerifyResult, errors: ['ShardUnavailable', 'DeadlineExceeded'],
    // one shard does it; by host, so tries against one server land on the same thread
    handle: ({ body }, { shards }) => shards.callOne(body.imap?.host ?? body.smtp?.host ?? '', 'verifyAccount', body),
  }),
  defineRoute({
    method: 'get', path: '/v1/logs/{account}', scope: 'admin', tags: ['Logs'],
    summary: 'The IMAP traffic kept for the account (settings logs), redacted, as a text file; empty while logging is off for it',
    params: AccountParams, response: LogText, errors: ['AccountNotFound', 'ShardUnavailable', 'DeadlineExceeded'],
    handle: async ({ params }, { shards }) => {
      const { logged, text } = await shards.callAccount(params.account, 'getLogs', {});
      return new TextReply(text, {
        'content-disposition': contentDisposition('attachment', `${params.account}.log`),
        'x-imapapi-logging': logged ? 'on' : 'off',
      });
    },
  }),
];
