// Health and statistics shapes.
import Type, { type Static } from 'typebox';
import { ACCOUNT_STATES } from './account.js';
import { closed } from './common.js';
import { WebhookStats } from './webhooks.js';

const ShardStatus = Type.Object({
  shard: Type.Integer(),
  state: Type.Union([Type.Literal('starting'), Type.Literal('up'), Type.Literal('down'), Type.Literal('failed')]),
  restarts: Type.Integer(),
  inFlight: Type.Integer(),
});

const LoopDelayView = Type.Object({ p50: Type.Number(), p99: Type.Number(), max: Type.Number() }, {
  description: 'Event-loop delay of the thread, ms: how long work waited for it, since the window began (a read restarts it once it is a minute old)',
});
export type LoopDelayView = Static<typeof LoopDelayView>;
const ShardStat = Type.Object({
  ...ShardStatus.properties,
  accounts: Type.Integer({ minimum: 0, description: 'Accounts the shard hosts' }),
  eventLoopDelay: LoopDelayView,
});

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('failed')], { description: 'failed: a shard or the webhook worker keeps crashing and was given up on' }),
  uptime: Type.Number({ description: 'seconds' }),
  shards: Type.Array(ShardStatus),
  webhooks: Type.Object({ state: ShardStatus.properties.state, restarts: Type.Integer() }),
  auth: Type.Union([Type.Literal('open'), Type.Literal('token')], { description: 'token: every route but /health needs an API token (one exists); open: none exists yet' }),
});

// the original IMAP API's states ('unset' never occurs here: an account without valid IMAP
// settings is refused) and ours, each counted, 0 included
const CONNECTION_STATES = [...ACCOUNT_STATES, 'unset'] as const;
const Connections = Type.Object(
  Object.fromEntries(CONNECTION_STATES.map((s) => [s, Type.Integer({ minimum: 0 })])) as Record<(typeof CONNECTION_STATES)[number], ReturnType<typeof Type.Integer>>,
  { description: 'Accounts in each connection state' },
);
export const emptyConnections = (): Record<string, number> => Object.fromEntries(CONNECTION_STATES.map((s) => [s, 0]));

export const StatsQuery = Type.Object({
  seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 604800, description: 'Accepted for the original IMAP API and ignored: no counter here is time-windowed' })),
}, closed);

export const Stats = Type.Object({
  version: Type.String(),
  license: Type.String({ description: 'License of this server (SPDX)' }),
  accounts: Type.Integer({ description: 'Registered accounts' }),
  connections: Connections,
  counters: Type.Object({}, { description: 'As in the original IMAP API; always empty here (see webhooks for delivery counters)' }),
  node: Type.String(),
  uptime: Type.Number({ description: 'seconds' }),
  shards: Type.Array(ShardStat, { description: 'Each shard thread: its state, requests in flight to it, its accounts and event-loop delay' }),
  front: Type.Object({ eventLoopDelay: LoopDelayView }, { description: 'The front thread (HTTP, WebSocket)' }),
  webhooks: WebhookStats,
});
