// Write routes: flags, move, delete and upload of one message (the original IMAP API's paths
// and answers), and the bulk forms over listed ids or a search in one folder.
import Type from 'typebox';
import { validationError } from '../../errors.js';
import { decodeMessageId } from '../../ids.js';
import type { Selection } from '../../protocol/ops.js';
import { AccountId, AccountParams, closed, MessageIdParam } from '../../schemas/common.js';
import type { SearchCriteria } from '../../schemas/message.js';
import {
  BulkDelete, BulkDeleteQuery, BulkDeleteResult, BulkMove, BulkMoveResult, BulkQuery, BulkUpdate, BulkUpdateResult, DeleteQuery,
  MessageDeleteResult, MessageMove, MessageMoveResult, MessageUpdate, MessageUpdateResult, MessageUpload, MessageUploadResult,
} from '../../schemas/write.js';
import { defineRoute } from '../route.js';
import { decodeRaw } from '../raw-message.js';
import { composeMessage } from '../compose-flow.js';
import { ownedBuffers } from '../../protocol/transfer.js';

const tags = ['Message'];
const common = ['AccountNotFound', 'NotConnected', 'UpstreamRejected', 'ShardUnavailable', 'DeadlineExceeded'] as const;
const MessageParams = Type.Object({ account: AccountId, message: MessageIdParam }, closed);

/** Exactly one of `messages` and `search`; ids decoded, a bad one named by its index. */
function selectionOf(body: { messages?: string[]; search?: SearchCriteria }): Selection {
  if ((body.messages === undefined) === (body.search === undefined)) {
    throw validationError([{ field: 'messages', reason: 'give either messages (ids) or search, not both or neither' }], 'Invalid body');
  }
  if (body.search) return { search: body.search };
  return {
    refs: (body.messages ?? []).map((id, i) => ({ ref: decodeMessageId(id, `messages.${i}`), id })),
  };
}

export const messageWriteRoutes = [
  defineRoute({
    method: 'put', path: '/v1/account/{account}/message/{message}', scope: 'api', tags, summary: 'Change the flags (and Gmail labels) of a message: set, then add, then delete',
    params: MessageParams, body: MessageUpdate, response: MessageUpdateResult, errors: [...common, 'InvalidId', 'MessageNotFound'],
    handle: ({ params, body }, { shards }) => shards.callAccount(params.account, 'updateFlags', {
      ref: decodeMessageId(params.message), id: params.message, ...(body.flags ? { flags: body.flags } : {}), ...(body.labels ? { labels: body.labels } : {}),
    }),
  }),
  defineRoute({
    method: 'put', path: '/v1/account/{account}/message/{message}/move', scope: 'api', tags, summary: 'Move a message to another folder',
    params: MessageParams, body: MessageMove, response: MessageMoveResult, errors: [...common, 'InvalidId', 'MessageNotFound', 'MailboxNotFound', 'Conflict'],
    handle: ({ params, body }, { shards }) => shards.callAccount(params.account, 'moveMessage', { ref: decodeMessageId(params.message), id: params.message, destination: body.path }),
  }),
  defineRoute({
    method: 'delete', path: '/v1/account/{account}/message/{message}', scope: 'api', tags, summary: 'Move a message to Trash, or expunge it when already there or with force=true',
    params: MessageParams, query: DeleteQuery, response: MessageDeleteResult, errors: [...common, 'InvalidId', 'MessageNotFound', 'Conflict'],
    handle: ({ params, query }, { shards }) => shards.callAccount(params.account, 'deleteMessage', { ref: decodeMessageId(params.message), id: params.message, force: query.force ?? false }),
  }),
  defineRoute({
    method: 'put', path: '/v1/account/{account}/messages', scope: 'api', tags, summary: 'Change the flags of many messages of one folder (listed ids or a search)',
    params: AccountParams, query: BulkQuery, body: BulkUpdate, response: BulkUpdateResult, errors: [...common, 'InvalidId', 'MailboxNotFound'],
    handle: ({ params, query, body }, { shards }) => shards.callAccount(params.account, 'updateFlagsBulk', { path: query.path, selection: selectionOf(body), flags: body.flags }),
  }),
  defineRoute({
    method: 'put', path: '/v1/account/{account}/messages/move', scope: 'api', tags, summary: 'Move many messages of one folder to another',
    params: AccountParams, query: BulkQuery, body: BulkMove, response: BulkMoveResult, errors: [...common, 'InvalidId', 'MailboxNotFound', 'Conflict'],
    handle: ({ params, query, body }, { shards }) => shards.callAccount(params.account, 'moveMessages', { path: query.path, selection: selectionOf(body), destination: body.destination }),
  }),
  defineRoute({
    method: 'put', path: '/v1/account/{account}/messages/delete', scope: 'api', tags, summary: 'Move many messages of one folder to Trash, or expunge them (in Trash, or with force=true)',
    params: AccountParams, query: BulkDeleteQuery, body: BulkDelete, response: BulkDeleteResult, errors: [...common, 'InvalidId', 'MailboxNotFound', 'Conflict'],
    handle: ({ params, query, body }, { shards }) => shards.callAccount(params.account, 'deleteMessages', { path: query.path, selection: selectionOf(body), force: query.force ?? false }),
  }),
  defineRoute({
    method: 'post', path: '/v1/account/{account}/message', scope: 'api', tags, summary: 'Store a message in a folder (APPEND): raw, or composed from fields (with a reference: a draft reply or forward)',
    params: AccountParams, body: MessageUpload, response: MessageUploadResult, largeBody: true,
    errors: [...common, 'MailboxNotFound', 'MessageNotFound', 'InvalidId', 'PayloadTooLarge'],
    handle: async ({ params, body }, ctx) => {
      const { path, flags, internalDate, raw: b64, ...fields } = body;
      let raw: Uint8Array;
      if (b64 !== undefined) {
        const mixed = Object.keys(fields);
        if (mixed.length) throw validationError(mixed.map((k) => ({ field: k, reason: 'cannot be combined with raw' })), 'Invalid body');
        raw = decodeRaw(b64, ctx.maxMessageSize);
      } else {
        if (!Object.keys(fields).length) throw validationError([{ field: 'raw', reason: 'give raw or the message fields (from, to, subject, text, …)' }], 'Invalid body');
        raw = (await composeMessage(ctx, params.account, fields, false)).result.raw;
      }
      const args = { path, flags: flags ?? [], raw, ...(internalDate ? { date: internalDate } : {}) };
      return ctx.shards.callAccount(params.account, 'uploadMessage', args, ownedBuffers([raw]));
    },
  }),
];
