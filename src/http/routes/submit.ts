// Sending: submit (structured fields or raw, reply/forward by reference, scheduled, idempotent)
// answers once the message is sealed in the outbox; the outbox shows, and cancels, what waits.
import { ApiError, validationError } from '../../errors.js';
import { rawSubmission } from '../../messages/submission.js';
import type { Submission } from '../../protocol/ops.js';
import { ownedBuffers } from '../../protocol/transfer.js';
import { AccountParams, pageBounds } from '../../schemas/common.js';
import { OutboxDeleted, OutboxEntry, OutboxPage, OutboxParams, OutboxQuery, SubmitBody, SubmitResult } from '../../schemas/submit.js';
import { composeMessage } from '../compose-flow.js';
import { decodeRaw } from '../raw-message.js';
import { defineRoute } from '../route.js';

const common = ['AccountNotFound', 'NotConnected', 'UpstreamRejected', 'ShardUnavailable', 'DeadlineExceeded'] as const;
// printable ASCII, as Stripe-style clients send it (a UUID, a hash, a request id)
const IDEMPOTENCY_KEY = /^[!-~]{1,256}$/;
const YEAR = 366 * 24 * 3600_000;

function idempotencyKey(raw: string): string | undefined {
  if (!raw) return undefined;
  if (!IDEMPOTENCY_KEY.test(raw)) throw validationError([{ field: 'Idempotency-Key', reason: 'must be 1 to 256 printable ASCII characters' }], 'Invalid header');
  return raw;
}

function sendAtOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at) || at > Date.now() + YEAR) throw validationError([{ field: 'sendAt', reason: 'must be a date within a year from now' }], 'Invalid body');
  return at > Date.now() ? at : undefined;
}

const FIELD_KEYS = ['from', 'to', 'cc', 'bcc', 'replyTo', 'subject', 'text', 'html', 'attachments', 'headers', 'messageId', 'reference'] as const;

export const submitRoutes = [
  defineRoute({
    method: 'post', path: '/v1/account/{account}/submit', scope: 'send', tags: ['Submit'],
    summary: 'Send a message through the account\'s SMTP server: stored in the outbox before this answers, sent (and retried) from there',
    params: AccountParams, body: SubmitBody, response: SubmitResult, headers: ['idempotency-key'], largeBody: true,
    errors: [...common, 'InvalidId', 'MessageNotFound', 'PayloadTooLarge', 'Conflict'],
    handle: async ({ params, body, headers }, ctx) => {
      const key = idempotencyKey(headers['idempotency-key'] ?? '');
      const sendAt = sendAtOf(body.sendAt);
      const extra = { ...(sendAt ? { sendAt } : {}), ...(key ? { idempotencyKey: key } : {}) };
      let submission: Submission;
      if (body.raw !== undefined) {
        const mixed = FIELD_KEYS.filter((k) => body[k] !== undefined);
        if (mixed.length) throw validationError(mixed.map((k) => ({ field: k, reason: 'cannot be combined with raw' })), 'Invalid body');
        submission = { ...rawSubmission(decodeRaw(body.raw, ctx.maxMessageSize), 'imapapi.local', new Date(sendAt ?? Date.now())), ...extra };
      } else {
        const { result, task, prep, action } = await composeMessage(ctx, params.account, body, true);
        const from = result.envelope.from ?? task.fields.from?.address;
        if (!from) throw new ApiError('ValidationError', 'No sender address', [{ field: 'from', reason: 'is required' }]);
        submission = { raw: result.raw, envelope: { from, to: result.envelope.to }, messageId: result.messageId, subject: task.fields.subject ?? '', ...extra };
        if (prep.reference) submission.reference = { path: prep.reference.path, uid: prep.reference.uid, action };
      }
      return ctx.shards.callAccount(params.account, 'enqueueSubmission', submission, ownedBuffers([submission.raw]));
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/outbox', scope: 'send', tags: ['Submit'], summary: 'Submissions not yet sent (queued, scheduled, retrying, being sent), oldest first',
    query: OutboxQuery, response: OutboxPage, errors: ['ShardUnavailable', 'DeadlineExceeded'],
    handle: async ({ query }, { shards }) => {
      const parts = await shards.callAll('listOutbox', query.account !== undefined ? { account: query.account } : {});
      const all = parts.flatMap((p) => p.entries).sort((a, b) => (a.queueId < b.queueId ? -1 : 1));
      const page = query.page ?? 0;
      const { pages, start, end } = pageBounds(all.length, page, query.pageSize ?? 20);
      return { total: all.length, page, pages, messages: all.slice(start, end) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/outbox/{queueId}', scope: 'send', tags: ['Submit'], summary: 'One submission not yet sent',
    params: OutboxParams, response: OutboxEntry, errors: ['MessageNotFound', 'ShardUnavailable', 'DeadlineExceeded'],
    handle: async ({ params }, { shards }) => {
      const found = (await shards.callAll('getOutbox', { queueId: params.queueId })).find((p) => p.entry)?.entry;
      if (!found) throw new ApiError('MessageNotFound', `No submission "${params.queueId}" waits in the outbox (sent, failed or never queued)`, { queueId: params.queueId });
      return found;
    },
  }),
  defineRoute({
    method: 'delete', path: '/v1/outbox/{queueId}', scope: 'send', tags: ['Submit'], summary: 'Cancel a submission not yet handed to the SMTP server',
    params: OutboxParams, response: OutboxDeleted, errors: ['MessageNotFound', 'Conflict', 'ShardUnavailable', 'DeadlineExceeded'],
    handle: async ({ params }, { shards }) => {
      const found = (await shards.callAll('cancelOutbox', { queueId: params.queueId })).some((p) => p.found);
      if (!found) throw new ApiError('MessageNotFound', `No submission "${params.queueId}" waits in the outbox (sent, failed or never queued)`, { queueId: params.queueId });
      return { deleted: true, queueId: params.queueId };
    },
  }),
];
