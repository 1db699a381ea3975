// What the front needs from the shards and the webhook worker, as interfaces, so the HTTP
// layer never sees worker threads or actors.
import type { TransferListItem } from 'node:worker_threads';
import type { AccountOp, Args, Result, ShardOp, WebhookOp } from './ops.js';
import type { JsonOf } from './json.js';

export type ShardState = 'starting' | 'up' | 'down' | 'failed';

export interface ShardStatus {
  shard: number;
  state: ShardState;
  restarts: number;
  inFlight: number;
}

export interface ShardCaller {
  readonly count: number;
  /** Call `op` on the shard that owns `account`. */
  callAccount<K extends AccountOp>(account: string, op: K, args: Args<K>, transfer?: readonly TransferListItem[]): Promise<Result<K>>;
  /** The same, answered with the result's JSON text, for a route that returns it unchanged. */
  callAccountJson<K extends AccountOp>(account: string, op: K, args: Args<K>): Promise<JsonOf<Result<K>>>;
  /** Call `op` on every shard; fails if any shard cannot answer. */
  callAll<K extends ShardOp>(op: K, args: Args<K>): Promise<Result<K>[]>;
  /** Call `op` on one shard, picked by `key` (work that belongs to no account). */
  callOne<K extends ShardOp>(key: string, op: K, args: Args<K>): Promise<Result<K>>;
  status(): ShardStatus[];
}

export interface WebhookCaller {
  /** Call `op` on the webhook worker. */
  call<K extends WebhookOp>(op: K, args: Args<K>): Promise<Result<K>>;
  status(): { state: ShardState; restarts: number };
}
