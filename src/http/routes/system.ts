// Liveness and statistics.
import type { Static } from 'typebox';
import { Health, Stats, StatsQuery, emptyConnections } from '../../schemas/system.js';
import { LICENSE, VERSION } from '../../version.js';
import { defineRoute } from '../route.js';

const tags = ['System'];
const uptime = (startedAt: number) => Math.round((Date.now() - startedAt) / 100) / 10;

export const systemRoutes = [
  defineRoute({
    method: 'get', path: '/health', scope: 'public', tags, summary: 'Liveness: 200 while every worker thread is up or coming back, 503 when one was given up on',
    response: Health, errors: [],
    handle: async (_input, { shards, webhooks, startedAt, tokens }) => {
      const list = shards.status();
      const hooks = webhooks.status();
      const states = [...list.map((s) => s.state), hooks.state];
      const status = states.includes('failed') ? 'failed' as const : states.every((s) => s === 'up') ? 'ok' as const : 'degraded' as const;
      return { status, uptime: uptime(startedAt), shards: list, webhooks: hooks, auth: tokens.open ? 'open' as const : 'token' as const };
    },
    statusOf: (h: Static<typeof Health>) => (h.status === 'failed' ? 503 : 200),
  }),
  defineRoute({
    method: 'get', path: '/v1/stats', scope: 'metrics', tags, summary: 'Account count and accounts by connection state (as the original), shards, webhook delivery, uptime',
    query: StatsQuery, response: Stats, errors: ['ShardUnavailable', 'DeadlineExceeded'],
    handle: async (_input, { shards, webhooks, startedAt, loopDelay }) => {
      // stats answer even while the webhook worker restarts: its counters are null then
      const [parts, counters] = await Promise.all([shards.callAll('shardStats', {}), webhooks.call('webhookStats', {}).catch(() => null)]);
      const connections = emptyConnections();
      for (const p of parts) for (const [s, n] of Object.entries(p.byState)) connections[s] = (connections[s] ?? 0) + n;
      return {
        version: VERSION,
        license: LICENSE,
        accounts: parts.reduce((n, p) => n + p.accounts, 0),
        connections: connections as Static<typeof Stats>['connections'],
        counters: {},
        node: process.version,
        uptime: uptime(startedAt),
        // callAll answers every shard (or fails), in shard order
        shards: shards.status().map((s, i) => ({ ...s, accounts: parts[i]!.accounts, eventLoopDelay: parts[i]!.eventLoopDelay })),
        front: { eventLoopDelay: loopDelay() },
        webhooks: { ...webhooks.status(), counters },
      };
    },
  }),
];
