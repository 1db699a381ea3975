// Writes JSON replies and error bodies inside res.cork, once, and never after an abort.
import type { HttpResponse } from 'uWebSockets.js';
import { ApiError, reasonPhrase, toWire } from '../errors.js';
import { toJson, type JsonOf } from '../protocol/json.js';

const statusLines = new Map<number, string>();
function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (!line) statusLines.set(status, (line = `${status} ${reasonPhrase(status)}`));
  return line;
}

/** An answer a shard encoded already (its JSON text): written as is, not parsed or encoded again. */
export class JsonText<T = unknown> {
  declare readonly of?: T;
  constructor(readonly text: JsonOf<T>) {}
}

/** A route result written as is instead of as JSON. */
export class TextReply {
  constructor(readonly text: string, readonly headers: Record<string, string> = {}, readonly contentType = 'text/plain; charset=utf-8') {}
}

/** One HTTP exchange: remembers an abort so nothing is written to a closed socket. */
export class Exchange {
  aborted = false;
  readonly #res: HttpResponse;
  #onAbort: (() => void) | null = null;

  /** a HEAD request: every answer is its status and headers, with the length a GET would send */
  readonly head: boolean;

  constructor(res: HttpResponse, head = false) {
    this.#res = res;
    this.head = head;
    res.onAborted(() => {
      this.aborted = true;
      this.#onAbort?.();
    });
  }

  /** Hand the response to a streaming writer (which then owns it). */
  stream(write: (res: HttpResponse, onAbort: (fn: () => void) => void) => void): void {
    if (this.aborted) return;
    write(this.#res, (fn) => { this.#onAbort = fn; });
  }

  json(status: number, body: unknown, headers?: Record<string, string>): void {
    if (this.aborted) return;
    this.#send(status, 'application/json; charset=utf-8', toJson(body), headers);
  }

  /** JSON a shard encoded already. */
  jsonText(status: number, json: string, headers?: Record<string, string>): void {
    if (this.aborted) return;
    this.#send(status, 'application/json; charset=utf-8', json, headers);
  }

  /** A body that is text, not JSON (a log file). */
  text(status: number, reply: TextReply): void {
    if (this.aborted) return;
    this.#send(status, reply.contentType, reply.text, reply.headers);
  }

  #send(status: number, contentType: string, text: string, headers?: Record<string, string>): void {
    this.aborted = true;
    this.#res.cork(() => {
      this.#res.writeStatus(statusLine(status)).writeHeader('content-type', contentType);
      if (headers) for (const [k, v] of Object.entries(headers)) this.#res.writeHeader(k, v);
      // this uWS build counts endWithoutBody(length) as no answer (and aborts): set the length here
      if (this.head) this.#res.writeHeader('content-length', String(Buffer.byteLength(text))).endWithoutBody();
      else this.#res.end(text);
    });
  }

  /** The one error body, `{error, message, statusCode, code, details?}`, for every route and the stream. */
  error(err: unknown): void {
    const wire = toWire(err);
    const body: Record<string, unknown> = { error: reasonPhrase(wire.status), message: wire.message, statusCode: wire.status, code: wire.code };
    if (wire.details !== undefined) body.details = wire.details;
    // a 429 says when to come back (its details.retryAfter, else in a second); a 503 in a second
    const wait = wire.status === 429 && !Array.isArray(wire.details) ? wire.details?.retryAfter : undefined;
    const retryAfter = err instanceof ApiError && (wire.status === 503 || wire.status === 429) ? { 'retry-after': String(wait ?? 1) } : undefined;
    // a 426 must name the protocol to switch to (RFC 9110 §15.5.22)
    const upgrade = wire.status === 426 ? { upgrade: 'websocket' } : undefined;
    // a 405 must list the methods that work (RFC 9110 §15.5.6)
    const allow = wire.status === 405 && !Array.isArray(wire.details) && wire.details?.allow !== undefined ? { allow: String(wire.details.allow) } : undefined;
    this.json(wire.status, body, retryAfter ?? upgrade ?? allow);
  }
}
