// One POST through undici's dispatch API that answers with the status alone: the answer's body
// is counted and dropped as it arrives (no stream per request, as request() makes), and the
// request is cut off when its deadline (kept on one shared timer) passes.
import type { Dispatcher } from 'undici';
import type { Deadline, Deadlines } from '../lib/deadlines.js';

/** The end of one POST: the receiver's status, or why there is none. */
export type PostOutcome = { status: number } | { error: unknown } | { timedOut: true };

/** An answer body longer than this is not read on: the socket is closed instead. */
const BODY_LIMIT = 64 * 1024;

export interface PostRequest {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** whole-request time limit, ms */
  timeout: number;
}

/** Handler of one request: undici calls it back, the deadline sweep may expire it. */
class Call implements Dispatcher.DispatchHandler, Deadline {
  readonly at: number;
  #controller: Dispatcher.DispatchController | null = null;
  #status = 0;
  #bytes = 0;
  #done = false;
  readonly #deadlines: Deadlines;
  readonly #resolve: (e: PostOutcome) => void;

  constructor(timeout: number, deadlines: Deadlines, resolve: (e: PostOutcome) => void) {
    this.at = performance.now() + timeout;
    this.#deadlines = deadlines;
    this.#resolve = resolve;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // expired while queued for a socket (or due, the shared timer not having fired yet): it never
    // goes out; undici closes the socket it was given, a new one is opened for the next request
    if (this.#done) controller.abort(new Error('request timed out before it was sent'));
    else if (performance.now() >= this.at) this.expire();
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number): void {
    // 1xx answers are informational: the final status follows
    if (statusCode >= 200) this.#status = statusCode;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#bytes += chunk.length;
    if (this.#bytes <= BODY_LIMIT) return;
    this.#end({ status: this.#status });
    controller.abort(new Error('answer body too long; socket closed'));
  }

  onResponseEnd(): void {
    this.#end({ status: this.#status });
  }

  onResponseError(_c: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** A failure after a final status (the answer body broke off): the receiver did answer, that counts. */
  fail(error: unknown): void {
    this.#end(this.#status ? { status: this.#status } : { error });
  }

  expire(): void {
    this.#end(this.#status ? { status: this.#status } : { timedOut: true });
    this.#controller?.abort(new Error('request timed out'));
  }

  #end(e: PostOutcome): void {
    if (this.#done) return;
    this.#done = true;
    this.#deadlines.delete(this);
    this.#resolve(e);
  }
}

/** POST `req` on `agent`; never rejects. */
export function post(agent: Dispatcher, deadlines: Deadlines, req: PostRequest): Promise<PostOutcome> {
  return new Promise((resolve) => {
    const call = new Call(req.timeout, deadlines, resolve);
    deadlines.add(call);
    try {
      agent.dispatch({ origin: req.origin, path: req.path, method: 'POST', headers: req.headers, body: req.body }, call);
    } catch (error) {
      call.fail(error);
    }
  });
}
