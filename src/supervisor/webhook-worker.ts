// Spawns and supervises the webhook worker thread: typed calls, wake-ups when shards commit,
// pending calls failed at once when it dies, respawn with backoff and a give-up after too
// many restarts. Delivery state is in LMDB, so a restart loses only the retry timers. It also
// serves the worker's calls to the front (FrontOps: messageNew content).
import { Worker } from 'node:worker_threads';
import { SupervisedThread } from './supervised-thread.js';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ShardState, WebhookCaller } from '../protocol/caller.js';
import { RpcClient } from '../protocol/client.js';
import type { Args, FrontHandlers, Result, WebhookOp } from '../protocol/ops.js';
import { serveFront } from '../protocol/server.js';
import type { FromWebhooks, ToWebhooks, WebhookRequestMsg } from '../protocol/wire.js';
import type { WebhookWorkerData } from '../webhooks/main.js';

export interface WebhookWorkerOptions {
  requestTimeout: number;
  log: Logger;
  workerData: WebhookWorkerData;
  workerUrl?: URL;
  /** what the worker may ask the front */
  front: FrontHandlers;
}

const WORKER_URL = new URL('../../workers/webhooks.js', import.meta.url);

const unavailable = () => new ApiError('WebhooksUnavailable', 'The webhook worker is restarting; retry shortly', { retryAfter: 1 });

export class WebhookWorker implements WebhookCaller {
  readonly #opts: WebhookWorkerOptions;
  readonly #client: RpcClient<WebhookRequestMsg>;
  readonly #thread: SupervisedThread<ToWebhooks, FromWebhooks>;
  #woken = 0;

  constructor(opts: WebhookWorkerOptions) {
    this.#opts = opts;
    const log = opts.log.child({ worker: 'webhooks' });
    // one server per thread: a respawned thread numbers its calls from 1 again, so an answer for
    // the thread that died must be dropped, never settle the new thread's call of the same id
    let generation = 0;
    const serveFor = (gen: number) => serveFront(opts.front, (msg, transfer) => {
      if (gen !== generation) return;
      try { this.#thread.post(msg, transfer); } catch { /* gone meanwhile */ }
    }, (err, msg) => log.error({ err, op: msg.op }, 'front request failed'));
    let serve = serveFor(generation);
    this.#client = new RpcClient<WebhookRequestMsg>(
      (msg) => this.#thread.post(msg),
      (id) => log.warn({ id }, 'reply for an unknown or expired request'),
    );
    this.#thread = new SupervisedThread<ToWebhooks, FromWebhooks>({
      name: 'webhook worker',
      log,
      spawn: () => new Worker(opts.workerUrl ?? WORKER_URL, { workerData: opts.workerData }),
      onMessage: (msg) => {
        if (msg.t === 'res') this.#client.handle(msg);
        else if (msg.t === 'req') serve(msg);
      },
      // a fresh thread has seen no wake-up yet
      onReady: () => { this.#woken = 0; },
      onExit: () => {
        serve = serveFor(++generation);
        this.#client.rejectAll(unavailable);
      },
    });
  }

  get state(): ShardState {
    return this.#thread.state;
  }

  /** Spawn the thread and wait until it is serving. */
  start(): Promise<void> {
    return this.#thread.start();
  }

  call<K extends WebhookOp>(op: K, args: Args<K>): Promise<Result<K>> {
    if (this.state !== 'up') return Promise.reject(unavailable());
    return this.#client.callWebhooks(op, args, this.#opts.requestTimeout);
  }

  /** Shards committed events up to `head`: the worker reads them from the log itself. */
  wake(head: number): void {
    if (head <= this.#woken || this.state !== 'up') return;
    this.#woken = head;
    this.#thread.post({ t: 'ctl', kind: 'events', head });
  }

  status(): { state: ShardState; restarts: number } {
    return { state: this.#thread.state, restarts: this.#thread.restarts };
  }

  /** Let requests in flight finish (within the budget), then end the thread. */
  shutdown(budgetMs = 5_000): Promise<void> {
    return this.#thread.shutdown({ t: 'ctl', kind: 'shutdown' }, budgetMs);
  }

  /** Test hook: end the thread as a crash would. */
  crash(): Promise<void> {
    return this.#thread.crash();
  }
}
