// Spawns and supervises the shard worker threads: routes calls by account, fails pending
// calls of a dead worker at once, respawns it with backoff, and gives up after too many
// restarts in a short time (so /health turns red instead of crash-looping forever).
import type { TransferListItem } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ShardCaller, ShardStatus } from '../protocol/caller.js';
import type { AccountOp, Args, Result, ShardOp } from '../protocol/ops.js';
import { shardOf } from '../protocol/placement.js';
import type { JsonOf } from '../protocol/json.js';
import type { ShardNotice } from '../protocol/wire.js';
import type { ShardWorkerData } from '../actors/shard-main.js';
import { ShardSlot } from './shard-slot.js';

export interface ShardPoolOptions {
  shards: number;
  requestTimeout: number;
  log: Logger;
  workerData: Omit<ShardWorkerData, 'shard' | 'shards'>;
  workerUrl?: URL;
  /** a shard committed events (`events`) or an account changed state (`accountState`) */
  onNotice(n: ShardNotice): void;
  /** a shard thread exited (it is respawned, or given up on): `owns` tells its accounts */
  onExit?(shard: number, owns: (account: string) => boolean): void;
}

const WORKER_URL = new URL('../../workers/shard.js', import.meta.url);

export class ShardPool implements ShardCaller {
  readonly #slots: ShardSlot[];
  readonly #timeout: number;

  constructor(opts: ShardPoolOptions) {
    this.#timeout = opts.requestTimeout;
    const spawn = (shard: number) => new Worker(opts.workerUrl ?? WORKER_URL, {
      workerData: { ...opts.workerData, shard, shards: opts.shards } satisfies ShardWorkerData,
    });
    const onExit = (shard: number) => opts.onExit?.(shard, (account) => shardOf(account, opts.shards) === shard);
    this.#slots = Array.from({ length: opts.shards }, (_, i) => new ShardSlot(i, spawn, opts.log, opts.onNotice, onExit));
  }

  get count(): number {
    return this.#slots.length;
  }

  /** Spawn every shard and wait until each has booted its accounts. */
  async start(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.start()));
  }

  callAccount<K extends AccountOp>(account: string, op: K, args: Args<K>, transfer: readonly TransferListItem[] = []): Promise<Result<K>> {
    const slot = this.#slot(shardOf(account, this.#slots.length));
    return slot.client.callAccount(account, op, args, this.#timeout, transfer);
  }

  callAccountJson<K extends AccountOp>(account: string, op: K, args: Args<K>): Promise<JsonOf<Result<K>>> {
    return this.#slot(shardOf(account, this.#slots.length)).client.callAccountJson(account, op, args, this.#timeout);
  }

  callAll<K extends ShardOp>(op: K, args: Args<K>): Promise<Result<K>[]> {
    return Promise.all(this.#slots.map((_, i) => this.#slot(i).client.callShard(op, args, this.#timeout)));
  }

  callOne<K extends ShardOp>(key: string, op: K, args: Args<K>): Promise<Result<K>> {
    return this.#slot(shardOf(key, this.#slots.length)).client.callShard(op, args, this.#timeout);
  }

  status(): ShardStatus[] {
    return this.#slots.map((s) => s.status());
  }

  /** Stop every shard: each logs its accounts out, then the thread ends. */
  async shutdown(budgetMs = 5_000): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.shutdown(budgetMs)));
  }

  /** Test hook: end a shard's thread as a crash would. */
  crash(shard: number): Promise<void> {
    return this.#slots[shard]?.crash() ?? Promise.resolve();
  }

  /** Test hook: block a shard's event loop for `ms`. */
  freeze(shard: number, ms: number): void {
    this.#slots[shard]?.freeze(ms);
  }

  #slot(shard: number): ShardSlot {
    const slot = this.#slots[shard];
    if (!slot) throw new Error(`No shard ${shard}`);
    if (slot.state === 'failed') throw new ApiError('ShardUnavailable', `Shard ${shard} kept crashing and was stopped; see the server log`, { shard });
    if (slot.state === 'down') throw new ApiError('ShardUnavailable', `Shard ${shard} is restarting; retry shortly`, { shard, retryAfter: 1 });
    return slot;
  }
}
