// Webhook delivery routes: the dead-letter list, its replay, and a signed test request.
import { DeadLetterPage, DeadLetterQuery, ReplayBody, ReplayResult, WebhookTestResult } from '../../schemas/webhooks.js';
import { defineRoute } from '../route.js';

const tags = ['Webhooks'];
const errors = ['WebhooksUnavailable', 'DeadlineExceeded'] as const;

export const webhookRoutes = [
  defineRoute({
    method: 'get', path: '/v1/webhooks/failed', scope: 'admin', tags, summary: 'Events parked after failing for the whole retention window, newest first',
    query: DeadLetterQuery, response: DeadLetterPage, errors: [...errors],
    handle: ({ query }, { webhooks }) => webhooks.call('listDeadLetters', {
      page: query.page ?? 0, pageSize: query.pageSize ?? 20, ...(query.account !== undefined ? { account: query.account } : {}),
    }),
  }),
  defineRoute({
    method: 'post', path: '/v1/webhooks/replay', scope: 'admin', tags, summary: 'Send parked events again now (by ids, by account, or all), in order per account',
    body: ReplayBody, response: ReplayResult, errors: [...errors, 'Conflict'],
    handle: ({ body }, { webhooks }) => webhooks.call('replayDeadLetters', body),
  }),
  defineRoute({
    method: 'post', path: '/v1/webhooks/test', scope: 'admin', tags, summary: 'POST a signed "test" event to the webhook URL and report how the receiver answered',
    response: WebhookTestResult, errors: [...errors, 'Conflict'],
    handle: (_input, { webhooks }) => webhooks.call('testWebhook', {}),
  }),
];
