// The serving side of a channel: dispatches requests to a handler table typed by Ops and
// replies; a request whose caller has given up is dropped before any work is done.
import { toWire } from '../errors.js';
import type { Handlers } from './ops.js';
import { isShardOp } from './ops.js';
import { transferables } from './transfer.js';
import type { ReplyMsg, RequestMsg } from './wire.js';

type Dispatch = (msg: RequestMsg) => Promise<unknown>;

function dispatcher(handlers: Handlers): Dispatch {
  return (msg) => {
    if (msg.account === null || isShardOp(msg.op)) {
      const h = handlers[msg.op as keyof Handlers] as (args: unknown) => Promise<unknown>;
      return h(msg.args);
    }
    const h = handlers[msg.op] as (account: string, args: unknown) => Promise<unknown>;
    return h(msg.account, msg.args);
  };
}

/** Returns a function to feed incoming requests; replies go out through `post`. */
export function serve(handlers: Handlers, post: (msg: ReplyMsg, transfer: ArrayBuffer[]) => void, onError: (err: unknown, msg: RequestMsg) => void): (msg: RequestMsg) => void {
  const dispatch = dispatcher(handlers);
  return (msg) => {
    if (Date.now() > msg.deadline) return;
    // a handler that throws synchronously must fail its request, never the whole thread
    new Promise((resolve) => resolve(dispatch(msg))).then(
      // fetched bytes move to the front instead of being copied
      (result) => post({ t: 'res', id: msg.id, ok: true, result }, transferables(result)),
      (err: unknown) => {
        const error = toWire(err);
        if (error.code === 'Internal') onError(err, msg);
        post({ t: 'res', id: msg.id, ok: false, error }, []);
      },
    );
  };
}
