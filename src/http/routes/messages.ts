// Message routes: paged lists, search, one message, text, attachments and raw source.
import { MessageChannel } from 'node:worker_threads';
import Type, { type Static } from 'typebox';
import { decodeAttachmentId, decodeMessageId, decodeTextId } from '../../ids.js';
import { AccountId, closed, MessageIdParam as Id } from '../../schemas/common.js';
import { ListQuery, MessageDetail, MessageList, SearchBody, TextContent, TextQuery, textOptions } from '../../schemas/message.js';
import type { ShardCaller } from '../../protocol/caller.js';
import type { MessageRef } from '../../ids.js';
import type { StreamMeta } from '../../protocol/ops.js';
import { defineRoute } from '../route.js';
import { JsonText } from '../reply.js';
import { StreamReply } from '../stream-reply.js';

const tags = ['Message'];
const common = ['AccountNotFound', 'NotConnected', 'UpstreamRejected', 'ShardUnavailable', 'DeadlineExceeded'] as const;
const MessageParams = Type.Object({ account: AccountId, message: Id }, closed);
const TextParams = Type.Object({ account: AccountId, text: Id }, closed);
const AttachmentParams = Type.Object({ account: AccountId, attachment: Id }, closed);
const Binary = Type.Unsafe<StreamReply>({ type: 'string', format: 'binary' });

type StreamOp = 'openAttachment' | 'openSource';

/** Decoded text without the kinds the message lacks or the caller did not ask for (absent, not null). */
function present(parsed: { plain: string | null; html: string | null }): { plain?: string; html?: string } {
  return { ...(parsed.plain !== null ? { plain: parsed.plain } : {}), ...(parsed.html !== null ? { html: parsed.html } : {}) };
}

/** Open a download on the owning shard; the bytes arrive on a port of their own. */
async function download<R extends MessageRef>(shards: ShardCaller, account: string, op: StreamOp, ref: R, id: string): Promise<StreamReply> {
  const { port1, port2 } = new MessageChannel();
  try {
    const args = { ref: ref as never, id, port: port2 };
    const meta: StreamMeta = await shards.callAccount(account, op, args, [port2]);
    return new StreamReply(meta, port1);
  } catch (err) {
    port1.close();
    throw err;
  }
}

export const messageRoutes = [
  defineRoute({
    method: 'get', path: '/v1/account/{account}/messages', scope: 'api', tags, summary: 'List messages in a folder, newest first, paged',
    params: Type.Object({ account: AccountId }, closed), query: ListQuery, response: MessageList, errors: [...common, 'MailboxNotFound'],
    handle: async ({ params, query }, { shards }) =>
      new JsonText(await shards.callAccountJson(params.account, 'listMessages', { path: query.path, page: query.page ?? 0, pageSize: query.pageSize ?? 20 })),
  }),
  defineRoute({
    method: 'post', path: '/v1/account/{account}/search', scope: 'api', tags, summary: 'Search a folder (IMAP SEARCH); same list shape, newest first',
    params: Type.Object({ account: AccountId }, closed), query: ListQuery, body: SearchBody, response: MessageList, errors: [...common, 'MailboxNotFound'],
    handle: async ({ params, query, body }, { shards }) => new JsonText(await shards.callAccountJson(params.account, 'searchMessages', {
      path: query.path, page: query.page ?? 0, pageSize: query.pageSize ?? 20, search: body.search,
    })),
  }),
  defineRoute({
    method: 'get', path: '/v1/account/{account}/message/{message}', scope: 'api', tags, summary: 'One message: list fields, headers, text (textType: plain, html or *, the default) and attachments',
    params: MessageParams, query: TextQuery, response: MessageDetail, errors: [...common, 'InvalidId', 'MessageNotFound'],
    handle: async ({ params, query }, { shards, parser }) => {
      const ref = decodeMessageId(params.message);
      const fetched = await shards.callAccount(params.account, 'getMessage', { ref, id: params.message, ...textOptions(query) });
      const parsed = fetched.decoded ?? await parser.run({ kind: 'text', parts: fetched.parts, headers: fetched.headers });
      const { entry } = fetched;
      const text = entry.text ?? { id: '', encodedSize: { plain: 0, html: 0 } };
      const detail: Static<typeof MessageDetail> = {
        ...entry,
        headers: parsed.headers ?? {},
        text: { ...text, ...present(parsed), hasMore: fetched.hasMore },
      };
      return detail;
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/account/{account}/text/{text}', scope: 'api', tags, summary: 'The plain and/or html text of a message (textType), fetching only those parts',
    params: TextParams, query: TextQuery, response: TextContent, errors: [...common, 'InvalidId', 'MessageNotFound'],
    handle: async ({ params, query }, { shards, parser }) => {
      const ref = decodeTextId(params.text);
      const fetched = await shards.callAccount(params.account, 'getText', { ref, id: params.text, ...textOptions(query) });
      const parsed = fetched.decoded ?? await parser.run({ kind: 'text', parts: fetched.parts });
      return { ...present(parsed), hasMore: fetched.hasMore };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/account/{account}/attachment/{attachment}', scope: 'api', tags, summary: 'Attachment bytes (decoded), streamed',
    params: AttachmentParams, response: Binary, errors: [...common, 'InvalidId', 'MessageNotFound'],
    handle: ({ params }, { shards }) => download(shards, params.account, 'openAttachment', decodeAttachmentId(params.attachment), params.attachment),
  }),
  defineRoute({
    method: 'get', path: '/v1/account/{account}/message/{message}/source', scope: 'api', tags, summary: 'The raw RFC 822 message, streamed',
    params: MessageParams, response: Binary, errors: [...common, 'InvalidId', 'MessageNotFound'],
    handle: ({ params }, { shards }) => download(shards, params.account, 'openSource', decodeMessageId(params.message), params.message),
  }),
];
