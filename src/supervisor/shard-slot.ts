// One supervised shard thread: its RPC client, its lifecycle state, and its restart policy.
import type { TransferListItem } from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import { Backoff } from '../actors/backoff.js';
import type { ShardState, ShardStatus } from '../protocol/caller.js';
import { RpcClient } from '../protocol/client.js';
import type { FromShard, ToShard } from '../protocol/wire.js';

/** More restarts than this within RESTART_WINDOW_MS and the slot gives up (OTP intensity). */
const MAX_RESTARTS = 10;
const RESTART_WINDOW_MS = 60_000;

export class ShardSlot {
  readonly index: number;
  readonly client: RpcClient;
  state: ShardState = 'starting';
  #worker: Worker | null = null;
  #restarts = 0;
  #recent: number[] = [];
  #stopping = false;
  #ready: (() => void) | null = null;
  #stopped: (() => void) | null = null;
  readonly #spawn: (shard: number) => Worker;
  readonly #log: Logger;
  readonly #backoff = new Backoff({ base: 100, cap: 5_000 });
  readonly #onEvents: (head: number) => void;

  constructor(index: number, spawn: (shard: number) => Worker, log: Logger, onEvents: (head: number) => void) {
    this.index = index;
    this.#onEvents = onEvents;
    this.#spawn = spawn;
    this.#log = log.child({ shard: index });
    this.client = new RpcClient(
      (msg, transfer) => this.#post(msg, transfer),
      (id) => this.#log.warn({ id }, 'reply for an unknown or expired request'),
    );
  }

  status(): ShardStatus {
    return { shard: this.index, state: this.state, restarts: this.#restarts, inFlight: this.client.inFlight };
  }

  start(): Promise<void> {
    return new Promise((resolve) => {
      this.#ready = resolve;
      this.#launch();
    });
  }

  #post(msg: ToShard, transfer: readonly TransferListItem[] = []): void {
    if (!this.#worker) throw new Error('shard thread not running');
    this.#worker.postMessage(msg, transfer as TransferListItem[]);
  }

  #launch(): void {
    this.state = 'starting';
    const worker = this.#spawn(this.index);
    this.#worker = worker;
    worker.on('message', (msg: FromShard) => {
      if (msg.t === 'res') return this.client.handle(msg);
      if (msg.kind === 'events') return this.#onEvents(msg.head);
      if (msg.kind === 'ready') {
        this.state = 'up';
        this.#ready?.();
        this.#ready = null;
      } else if (msg.kind === 'stopped') {
        this.#stopped?.();
      }
    });
    worker.on('error', (err) => this.#log.error({ err }, 'shard thread error'));
    worker.on('exit', (code) => this.#onExit(worker, code));
  }

  #onExit(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    this.client.rejectAll(() => new ApiError('ShardUnavailable', `Shard ${this.index} stopped while handling the request; retry shortly`, { shard: this.index, retryAfter: 1 }));
    if (this.#stopping) {
      this.state = 'down';
      this.#stopped?.();
      return;
    }
    const now = Date.now();
    this.#recent = this.#recent.filter((t) => now - t < RESTART_WINDOW_MS).concat(now);
    if (this.#recent.length > MAX_RESTARTS) {
      this.state = 'failed';
      this.#log.fatal({ code, restarts: this.#recent.length }, 'shard keeps crashing; not restarting it');
      return;
    }
    if (this.#recent.length === 1) this.#backoff.reset();
    const delay = this.#backoff.next();
    this.state = 'down';
    this.#restarts++;
    this.#log.error({ code, delay }, 'shard thread exited; restarting');
    setTimeout(() => this.#launch(), delay);
  }

  async shutdown(budgetMs: number): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    if (!worker) return;
    const stopped = new Promise<void>((resolve) => { this.#stopped = resolve; });
    worker.postMessage({ t: 'ctl', kind: 'shutdown' } satisfies ToShard);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stopped, new Promise((r) => { timer = setTimeout(r, budgetMs); })]);
    clearTimeout(timer);
    await worker.terminate();
  }

  async crash(): Promise<void> {
    await this.#worker?.terminate();
  }

  freeze(ms: number): void {
    this.#worker?.postMessage({ t: 'ctl', kind: 'freeze', ms } satisfies ToShard);
  }
}
