// The pull API: the event log read from a position, for consumers that cannot take webhooks;
// and the WebSocket change stream, mounted by http/ws.ts and declared here like every route.
import { ApiError } from '../../errors.js';
import { EventsPage, EventsQuery, StreamFrame, StreamQuery } from '../../schemas/events.js';
import { defineRoute } from '../route.js';

export const eventRoutes = [
  defineRoute({
    method: 'get', path: '/v1/events', scope: 'api', tags: ['Events'], summary: 'Events after `since`, in order, paged by `limit`; messageNew carries text and headers as the notify settings say',
    query: EventsQuery, response: EventsPage, errors: [],
    handle: async ({ query }, { events, content }) => {
      const head = events.head;
      const since = Math.min(Number(query.since ?? 0), head);
      const limit = query.limit ?? 100;
      const accounts = query.account?.length ? new Set(query.account) : null;
      const page = events.read(since, limit, accounts, head);
      // a short page means everything up to head was scanned, even what the filter left out
      const next = page.length < limit ? head : page[page.length - 1]!.id;
      return { events: await content.payloads(page), next: String(next), head: String(head) };
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/stream', scope: 'stream', tags: ['Events'], upgrade: true, status: 101,
    summary: 'WebSocket change stream (Upgrade: websocket): the retained events after `since`, then live ones; each text frame is one event, or with `states=true` also a live accountState frame',
    query: StreamQuery, response: StreamFrame, errors: ['UpgradeRequired', 'TooManyRequests'],
    handle: async () => { throw new ApiError('UpgradeRequired', 'GET /v1/stream is a WebSocket: connect with a WebSocket client'); },
  }),
];
