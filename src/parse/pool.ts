// The front thread's parse pool: one piscina pool running workers/parse.js, so that MIME
// decoding never blocks the front's or a shard's event loop.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import { ownedBuffers } from '../protocol/transfer.js';
import type { ParseResult, ParseTask, ResultOf } from './types.js';

export interface ParserOptions { maxThreads?: number; minThreads?: number; idleTimeout?: number; log?: Logger }

// compiled layout: dist/src/parse/pool.js → dist/workers/parse.js
const TASK_FILE = new URL('../../workers/parse.js', import.meta.url).href;

// the shards and the front need cores too, so parsing gets half of them
const DEFAULT_MAX_THREADS = Math.max(1, Math.floor(availableParallelism() / 2));

/** The byte arrays a task carries, by kind; an unknown kind is left for the worker to refuse. */
function bytesOf(task: ParseTask): Uint8Array[] {
  switch (task.kind) {
    case 'text':
      return task.headers ? [...task.parts.map((p) => p.body), task.headers] : task.parts.map((p) => p.body);
    case 'compose':
      return task.extraAttachments?.map((a) => a.content) ?? [];
    default:
      return [];
  }
}

/**
 * Moving an ArrayBuffer detaches it for the sender. Only a view that spans its whole buffer is
 * moved: a slice of Node's shared Buffer pool (or of a larger read) would take its neighbours
 * with it, so it is cloned instead. Each buffer is listed once, as duplicates throw.
 */
function transferList(task: ParseTask): ArrayBuffer[] {
  return ownedBuffers(bytesOf(task));
}

export class ParsePool {
  #pool: Piscina<ParseTask, ParseResult>;
  #running = new Set<Promise<unknown>>();
  #closing: Promise<void> | null = null;

  constructor(opts: ParserOptions = {}) {
    const maxThreads = opts.maxThreads ?? DEFAULT_MAX_THREADS;
    this.#pool = new Piscina({
      filename: TASK_FILE,
      maxThreads,
      // one warm thread spares the first message view the worker start-up and mailparser import
      minThreads: Math.min(opts.minThreads ?? 1, maxThreads),
      idleTimeout: opts.idleTimeout ?? 30_000,
    });
    // piscina emits 'error' for a thread that dies with no task to fail (one failing to start,
    // say); unhandled, that event would take the whole front thread down
    this.#pool.on('error', (err: unknown) => opts.log?.error({ err }, 'parse pool thread failed'));
  }

  /** Runs a task on a pool thread; buffers that own their memory are moved, so do not reuse them. */
  run<T extends ParseTask>(task: T): Promise<ResultOf<T>> {
    // piscina would quietly start new threads for a task sent after close()
    if (this.#closing) return Promise.reject(new ApiError('ShuttingDown', 'The parse pool is closed'));
    // workers/parse.ts answers each kind with its own result type
    const result = this.#pool.run(task, { transferList: transferList(task) }) as Promise<ResultOf<T>>;
    const settled = result.then(() => undefined, () => undefined);
    this.#running.add(settled);
    void settled.then(() => this.#running.delete(settled));
    return result;
  }

  /** Lets every task already accepted finish, then stops the threads. */
  close(): Promise<void> {
    // piscina 5.3's own close() counts an idle thread as drained more than once, so with two or
    // more threads it terminates tasks still running ("Terminating worker thread")
    this.#closing ??= Promise.allSettled(this.#running).then(() => this.#pool.destroy());
    return this.#closing;
  }

  get stats(): { threads: number; queued: number; completed: number } {
    return { threads: this.#pool.threads.length, queued: this.#pool.queueSize, completed: this.#pool.completed };
  }
}
