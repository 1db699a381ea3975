// The serving side of a channel: dispatches requests to a handler table typed by Ops and
// replies; a request whose caller has given up is dropped before any work is done.
import { toWire } from '../errors.js';
import type { FrontHandlers, Handlers, WebhookHandlers } from './ops.js';
import { isShardOp } from './ops.js';
import { transferables } from './transfer.js';
import { toJson } from './json.js';
import type { FrontRequestMsg, ReplyMsg, RequestMsg, WebhookRequestMsg } from './wire.js';

type Dispatch<R> = (msg: R) => Promise<unknown>;
type Post = (msg: ReplyMsg, transfer: ArrayBuffer[]) => void;

function dispatcher(handlers: Handlers): Dispatch<RequestMsg> {
  return (msg) => {
    if (msg.account === null || isShardOp(msg.op)) {
      const h = handlers[msg.op as keyof Handlers] as (args: unknown, meta: { deadline: number }) => Promise<unknown>;
      return h(msg.args, { deadline: msg.deadline });
    }
    const h = handlers[msg.op] as (account: string, args: unknown, meta: { deadline: number }) => Promise<unknown>;
    return h(msg.account, msg.args, { deadline: msg.deadline });
  };
}

/** Returns a function to feed incoming requests; replies go out through `post`. */
export function serve(handlers: Handlers, post: Post, onError: (err: unknown, msg: RequestMsg) => void): (msg: RequestMsg) => void {
  return serveWith(dispatcher(handlers), post, onError);
}

/** The same for the webhook worker's table, whose ops are never addressed to an account. */
export function serveWebhooks(handlers: WebhookHandlers, post: Post, onError: (err: unknown, msg: WebhookRequestMsg) => void): (msg: WebhookRequestMsg) => void {
  return serveWith((msg) => (handlers[msg.op] as (args: unknown) => Promise<unknown>)(msg.args), post, onError);
}

/** The front's table for the webhook worker's calls. */
export function serveFront(handlers: FrontHandlers, post: Post, onError: (err: unknown, msg: FrontRequestMsg) => void): (msg: FrontRequestMsg) => void {
  return serveWith((msg) => (handlers[msg.op] as (args: unknown) => Promise<unknown>)(msg.args), post, onError);
}

function serveWith<R extends RequestMsg | WebhookRequestMsg | FrontRequestMsg>(dispatch: Dispatch<R>, post: Post, onError: (err: unknown, msg: R) => void): (msg: R) => void {
  return (msg) => {
    if (Date.now() > msg.deadline) return;
    // an answer the front writes as is goes as JSON text (cheaper to pass than an object graph);
    // fetched bytes move to the front instead of being copied
    const done = (result: unknown) => ('json' in msg && msg.json
      ? post({ t: 'res', id: msg.id, ok: true, result: toJson(result) }, [])
      : post({ t: 'res', id: msg.id, ok: true, result }, transferables(result)));
    const failed = (err: unknown) => {
      const error = toWire(err);
      if (error.code === 'Internal') onError(err, msg);
      post({ t: 'res', id: msg.id, ok: false, error }, []);
    };
    // a handler that throws synchronously must fail its request, never the whole thread
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(dispatch(msg));
    } catch (err) {
      return failed(err);
    }
    pending.then(done, failed);
  };
}
