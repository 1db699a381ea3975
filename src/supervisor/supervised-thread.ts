// One supervised worker thread, whatever it runs (a shard, the webhook actor): its lifecycle
// state, respawn with jittered backoff after a crash, a give-up after too many restarts in a
// short time (OTP intensity), and a shutdown with a time budget.
import type { TransferListItem, Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { Backoff } from '../lib/backoff.js';
import type { ShardState } from '../protocol/caller.js';
import { settleWithin } from '../lib/settle.js';

/** More restarts than this within RESTART_WINDOW_MS and the thread is given up on. */
const MAX_RESTARTS = 10;
const RESTART_WINDOW_MS = 60_000;

export interface ThreadSpec<From> {
  /** for log lines: "shard 1", "webhook worker" */
  name: string;
  log: Logger;
  spawn(): Worker;
  /** every message except the ready/stopped lifecycle notices */
  onMessage(msg: From): void;
  /** became ready (again) */
  onReady?(): void;
  /** the thread is gone: fail whatever waits on it */
  onExit(): void;
}

type Lifecycle = { t: string; kind?: string };

export class SupervisedThread<To, From extends Lifecycle> {
  state: ShardState = 'starting';
  restarts = 0;
  readonly #spec: ThreadSpec<From>;
  readonly #backoff = new Backoff({ base: 100, cap: 5_000 });
  #worker: Worker | null = null;
  #recent: number[] = [];
  #stopping = false;
  #ready: (() => void) | null = null;
  #stopped: (() => void) | null = null;

  constructor(spec: ThreadSpec<From>) {
    this.#spec = spec;
  }

  /** Spawn the thread and wait until it says it is ready (or is given up on). */
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.#ready = resolve;
      this.#launch();
    });
  }

  post(msg: To, transfer: readonly TransferListItem[] = []): void {
    if (!this.#worker) throw new Error(`${this.#spec.name} is not running`);
    this.#worker.postMessage(msg, transfer as TransferListItem[]);
  }

  /** Ask the thread to drain (`goodbye`), wait for it within the budget, then end it. */
  async shutdown(goodbye: To, budgetMs: number): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    if (!worker) return;
    const stopped = new Promise<void>((resolve) => { this.#stopped = resolve; });
    worker.postMessage(goodbye);
    await settleWithin(stopped, budgetMs);
    await worker.terminate();
  }

  /** Test hook: end the thread as a crash would. */
  async crash(): Promise<void> {
    await this.#worker?.terminate();
  }

  #launch(): void {
    this.state = 'starting';
    const worker = this.#spec.spawn();
    this.#worker = worker;
    worker.on('message', (msg: From) => {
      if (msg.t === 'ctl' && msg.kind === 'ready') {
        this.state = 'up';
        this.#spec.onReady?.();
        this.#ready?.();
        this.#ready = null;
      } else if (msg.t === 'ctl' && msg.kind === 'stopped') {
        this.#stopped?.();
      } else {
        this.#spec.onMessage(msg);
      }
    });
    worker.on('error', (err) => this.#spec.log.error({ err }, `${this.#spec.name} error`));
    worker.on('exit', (code) => this.#onExit(worker, code));
  }

  #onExit(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    this.#spec.onExit();
    if (this.#stopping) {
      this.state = 'down';
      this.#stopped?.();
      return;
    }
    const now = Date.now();
    this.#recent = this.#recent.filter((t) => now - t < RESTART_WINDOW_MS).concat(now);
    if (this.#recent.length > MAX_RESTARTS) {
      this.state = 'failed';
      this.#spec.log.fatal({ code, restarts: this.#recent.length }, `${this.#spec.name} keeps crashing; not restarting it`);
      // start() must not wait forever for a thread that will never be ready
      this.#ready?.();
      return;
    }
    if (this.#recent.length === 1) this.#backoff.reset();
    const delay = this.#backoff.next();
    this.state = 'down';
    this.restarts++;
    this.#spec.log.error({ code, delay }, `${this.#spec.name} exited; restarting`);
    setTimeout(() => this.#launch(), delay);
  }
}
