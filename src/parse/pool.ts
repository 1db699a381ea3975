// The front thread's parse pool: one piscina pool running workers/parse.js, so that MIME
// decoding never blocks the front's or a shard's event loop.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ParseResult, ParseTask } from './types.js';

export interface ParserOptions { maxThreads?: number; minThreads?: number; idleTimeout?: number }

// compiled layout: dist/src/parse/pool.js → dist/workers/parse.js
const TASK_FILE = new URL('../../workers/parse.js', import.meta.url).href;

// the shards and the front need cores too, so parsing gets half of them
const DEFAULT_MAX_THREADS = Math.max(1, Math.floor(availableParallelism() / 2));

/**
 * Moving an ArrayBuffer detaches it for the sender. Only a view that spans its whole buffer is
 * moved: a slice of Node's shared Buffer pool (or of a larger read) would take its neighbours
 * with it, so it is cloned instead. Each buffer is listed once, as duplicates throw.
 */
function transferList(task: ParseTask): ArrayBuffer[] {
  const views = task.parts.map((p) => p.body);
  if (task.headers) views.push(task.headers);
  const owned = new Set<ArrayBuffer>();
  for (const view of views) {
    const { buffer } = view;
    if (buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === buffer.byteLength) owned.add(buffer);
  }
  return [...owned];
}

export class ParsePool {
  #pool: Piscina<ParseTask, ParseResult>;

  constructor(opts: ParserOptions = {}) {
    const maxThreads = opts.maxThreads ?? DEFAULT_MAX_THREADS;
    this.#pool = new Piscina({
      filename: TASK_FILE,
      maxThreads,
      // one warm thread spares the first message view the worker start-up and mailparser import
      minThreads: Math.min(opts.minThreads ?? 1, maxThreads),
      idleTimeout: opts.idleTimeout ?? 30_000,
    });
  }

  /** Runs a task on a pool thread; buffers that own their memory are moved, so do not reuse them. */
  run(task: ParseTask): Promise<ParseResult> {
    return this.#pool.run(task, { transferList: transferList(task) });
  }

  /** Finishes queued and running tasks, then stops the threads. */
  close(): Promise<void> {
    return this.#pool.close();
  }

  get stats(): { threads: number; queued: number; completed: number } {
    return { threads: this.#pool.threads.length, queued: this.#pool.queueSize, completed: this.#pool.completed };
  }
}
