// Spawns and supervises the webhook worker thread: typed calls, wake-ups when shards commit,
// pending calls failed at once when it dies, respawn with backoff and a give-up after too
// many restarts. Delivery state is in LMDB, so a restart loses only the retry timers.
import { Worker } from 'node:worker_threads';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import { Backoff } from '../actors/backoff.js';
import type { ShardState, WebhookCaller } from '../protocol/caller.js';
import { RpcClient } from '../protocol/client.js';
import type { Args, Result, WebhookOp } from '../protocol/ops.js';
import type { FromWebhooks, ToWebhooks, WebhookRequestMsg } from '../protocol/wire.js';
import type { WebhookWorkerData } from '../webhooks/main.js';

export interface WebhookWorkerOptions {
  requestTimeout: number;
  log: Logger;
  workerData: WebhookWorkerData;
  workerUrl?: URL;
}

const WORKER_URL = new URL('../../workers/webhooks.js', import.meta.url);
/** More restarts than this within RESTART_WINDOW_MS and it is given up on (OTP intensity). */
const MAX_RESTARTS = 10;
const RESTART_WINDOW_MS = 60_000;

const unavailable = () => new ApiError('WebhooksUnavailable', 'The webhook worker is restarting; retry shortly', { retryAfter: 1 });

export class WebhookWorker implements WebhookCaller {
  state: ShardState = 'starting';
  readonly #opts: WebhookWorkerOptions;
  readonly #log: Logger;
  readonly #client: RpcClient<WebhookRequestMsg>;
  readonly #backoff = new Backoff({ base: 100, cap: 5_000 });
  #worker: Worker | null = null;
  #restarts = 0;
  #recent: number[] = [];
  #stopping = false;
  #woken = 0;
  #ready: (() => void) | null = null;
  #stopped: (() => void) | null = null;

  constructor(opts: WebhookWorkerOptions) {
    this.#opts = opts;
    this.#log = opts.log.child({ worker: 'webhooks' });
    this.#client = new RpcClient<WebhookRequestMsg>(
      (msg) => this.#post(msg),
      (id) => this.#log.warn({ id }, 'reply for an unknown or expired request'),
    );
  }

  /** Spawn the thread and wait until it is serving. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.#ready = resolve;
      this.#launch();
    });
  }

  call<K extends WebhookOp>(op: K, args: Args<K>): Promise<Result<K>> {
    if (this.state !== 'up') return Promise.reject(unavailable());
    return this.#client.callWebhooks(op, args, this.#opts.requestTimeout);
  }

  /** Shards committed events up to `head`: the worker reads them from the log itself. */
  wake(head: number): void {
    if (head <= this.#woken || this.state !== 'up') return;
    this.#woken = head;
    this.#post({ t: 'ctl', kind: 'events', head });
  }

  status(): { state: ShardState; restarts: number } {
    return { state: this.state, restarts: this.#restarts };
  }

  /** Let requests in flight finish (within the budget), then end the thread. */
  async shutdown(budgetMs = 5_000): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    if (!worker) return;
    const stopped = new Promise<void>((resolve) => { this.#stopped = resolve; });
    worker.postMessage({ t: 'ctl', kind: 'shutdown' } satisfies ToWebhooks);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stopped, new Promise((r) => { timer = setTimeout(r, budgetMs); })]);
    clearTimeout(timer);
    await worker.terminate();
  }

  /** Test hook: end the thread as a crash would. */
  async crash(): Promise<void> {
    await this.#worker?.terminate();
  }

  #post(msg: ToWebhooks): void {
    if (!this.#worker) throw new Error('webhook thread not running');
    this.#worker.postMessage(msg);
  }

  #launch(): void {
    this.state = 'starting';
    const worker = new Worker(this.#opts.workerUrl ?? WORKER_URL, { workerData: this.#opts.workerData });
    this.#worker = worker;
    worker.on('message', (msg: FromWebhooks) => {
      if (msg.t === 'res') return this.#client.handle(msg);
      if (msg.kind === 'ready') {
        this.state = 'up';
        this.#woken = 0;
        this.#ready?.();
        this.#ready = null;
      } else {
        this.#stopped?.();
      }
    });
    worker.on('error', (err) => this.#log.error({ err }, 'webhook thread error'));
    worker.on('exit', (code) => this.#onExit(worker, code));
  }

  #onExit(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    this.#client.rejectAll(unavailable);
    if (this.#stopping) {
      this.state = 'down';
      this.#stopped?.();
      return;
    }
    const now = Date.now();
    this.#recent = this.#recent.filter((t) => now - t < RESTART_WINDOW_MS).concat(now);
    if (this.#recent.length > MAX_RESTARTS) {
      this.state = 'failed';
      this.#log.fatal({ code, restarts: this.#recent.length }, 'webhook worker keeps crashing; not restarting it');
      // start() must not wait forever for a thread that will never be ready
      this.#ready?.();
      return;
    }
    if (this.#recent.length === 1) this.#backoff.reset();
    const delay = this.#backoff.next();
    this.state = 'down';
    this.#restarts++;
    this.#log.error({ code, delay }, 'webhook thread exited; restarting');
    setTimeout(() => this.#launch(), delay);
  }
}
