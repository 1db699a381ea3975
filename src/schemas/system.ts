// Health and statistics shapes.
import Type from 'typebox';
import { WebhookStats } from './webhooks.js';

const ShardStatus = Type.Object({
  shard: Type.Integer(),
  state: Type.Union([Type.Literal('starting'), Type.Literal('up'), Type.Literal('down'), Type.Literal('failed')]),
  restarts: Type.Integer(),
  inFlight: Type.Integer(),
});

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('failed')], { description: 'failed: a shard or the webhook worker keeps crashing and was given up on' }),
  uptime: Type.Number({ description: 'seconds' }),
  shards: Type.Array(ShardStatus),
  webhooks: Type.Object({ state: ShardStatus.properties.state, restarts: Type.Integer() }),
});

export const Stats = Type.Object({
  version: Type.String(),
  node: Type.String(),
  uptime: Type.Number({ description: 'seconds' }),
  shards: Type.Array(ShardStatus),
  accounts: Type.Object({
    total: Type.Integer(),
    byState: Type.Record(Type.String(), Type.Integer(), { description: 'count per state' }),
  }),
  webhooks: WebhookStats,
});
