// One shard thread as the front sees it: its RPC client over a supervised thread.
import type { Worker } from 'node:worker_threads';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ShardState, ShardStatus } from '../protocol/caller.js';
import { RpcClient } from '../protocol/client.js';
import type { FromShard, ShardNotice, ToShard } from '../protocol/wire.js';
import { SupervisedThread } from './supervised-thread.js';

export class ShardSlot {
  readonly index: number;
  readonly client: RpcClient;
  readonly #thread: SupervisedThread<ToShard, FromShard>;

  constructor(index: number, spawn: (shard: number) => Worker, log: Logger, onNotice: (n: ShardNotice) => void, onExit: (shard: number) => void) {
    this.index = index;
    const slog = log.child({ shard: index });
    this.client = new RpcClient(
      (msg, transfer) => this.#thread.post(msg, transfer),
      (id) => slog.warn({ id }, 'reply for an unknown or expired request'),
    );
    this.#thread = new SupervisedThread<ToShard, FromShard>({
      name: `shard ${index}`,
      log: slog,
      spawn: () => spawn(index),
      onMessage: (msg) => {
        if (msg.t === 'res') this.client.handle(msg);
        else if (msg.kind === 'events' || msg.kind === 'accountState') onNotice(msg);
      },
      onExit: () => {
        this.client.rejectAll(() => new ApiError('ShardUnavailable', `Shard ${index} stopped while handling the request; retry shortly`, { shard: index, retryAfter: 1 }));
        onExit(index);
      },
    });
  }

  get state(): ShardState {
    return this.#thread.state;
  }

  status(): ShardStatus {
    return { shard: this.index, state: this.#thread.state, restarts: this.#thread.restarts, inFlight: this.client.inFlight };
  }

  start(): Promise<void> {
    return this.#thread.start();
  }

  shutdown(budgetMs: number): Promise<void> {
    return this.#thread.shutdown({ t: 'ctl', kind: 'shutdown' }, budgetMs);
  }

  crash(): Promise<void> {
    return this.#thread.crash();
  }

  freeze(ms: number): void {
    this.#thread.post({ t: 'ctl', kind: 'freeze', ms });
  }
}
