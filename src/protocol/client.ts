// The calling side of a channel: numbered requests, a deadline per call, and rejectAll()
// when the other side dies so no caller waits forever.
import type { TransferListItem } from 'node:worker_threads';
import { ApiError, fromWire } from '../errors.js';
import type { AccountOp, Args, FrontOp, Result, ShardOp, WebhookOp } from './ops.js';
import type { FrontRequestMsg, ReplyMsg, RequestMsg, WebhookRequestMsg } from './wire.js';
import type { JsonOf } from './json.js';
import { CallTable } from './call-table.js';

interface Pending {
  resolve(value: unknown): void;
  reject(err: ApiError): void;
  timer: NodeJS.Timeout;
  op: string;
}

type AnyRequest = RequestMsg | WebhookRequestMsg | FrontRequestMsg;
/** What a caller fills in; the client adds `t`, `id` and `deadline`. */
type Body<R> = R extends unknown ? Omit<R, 't' | 'id' | 'deadline'> : never;

/**
 * `R` is the channel's request type: the `this` parameters below make calling a shard op on
 * the webhook channel (or the reverse) a compile error.
 */
export class RpcClient<R extends AnyRequest = RequestMsg> {
  #next = 1;
  readonly #pending = new CallTable<Pending>();
  readonly #post: (msg: R, transfer: readonly TransferListItem[]) => void;
  readonly #onStray: (id: number) => void;

  constructor(post: (msg: R, transfer: readonly TransferListItem[]) => void, onStray: (id: number) => void = () => {}) {
    this.#post = post;
    this.#onStray = onStray;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** `transfer`: ports or buffers in `args` to move to the other side rather than copy. */
  callAccount<K extends AccountOp>(this: RpcClient<RequestMsg>, account: string, op: K, args: Args<K>, timeoutMs: number, transfer: readonly TransferListItem[] = []): Promise<Result<K>> {
    return this.#send({ account, op, args } as Body<RequestMsg>, timeoutMs, transfer) as Promise<Result<K>>;
  }

  /** The same, answered with the result's JSON text (for the front to write as is). */
  callAccountJson<K extends AccountOp>(this: RpcClient<RequestMsg>, account: string, op: K, args: Args<K>, timeoutMs: number): Promise<JsonOf<Result<K>>> {
    return this.#send({ account, op, args, json: true } as Body<RequestMsg>, timeoutMs, []) as Promise<JsonOf<Result<K>>>;
  }

  callShard<K extends ShardOp>(this: RpcClient<RequestMsg>, op: K, args: Args<K>, timeoutMs: number): Promise<Result<K>> {
    return this.#send({ account: null, op, args } as Body<RequestMsg>, timeoutMs, []) as Promise<Result<K>>;
  }

  callWebhooks<K extends WebhookOp>(this: RpcClient<WebhookRequestMsg>, op: K, args: Args<K>, timeoutMs: number): Promise<Result<K>> {
    return this.#send({ account: null, op, args } as Body<WebhookRequestMsg>, timeoutMs, []) as Promise<Result<K>>;
  }

  callFront<K extends FrontOp>(this: RpcClient<FrontRequestMsg>, op: K, args: Args<K>, timeoutMs: number): Promise<Result<K>> {
    return this.#send({ account: null, op, args } as Body<FrontRequestMsg>, timeoutMs, []) as Promise<Result<K>>;
  }

  #send(body: Body<R>, timeoutMs: number, transfer: readonly TransferListItem[]): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ApiError('DeadlineExceeded', `No answer within ${timeoutMs} ms (${body.op})`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer, op: body.op });
      try {
        // the worker's deadline comes a little before the caller's: work it starts or commits
        // up to its deadline is answered before the caller gives up, so a 504 means "not done"
        const grace = Math.min(250, Math.floor(timeoutMs / 10));
        // the body is the caller's fresh literal: completed in place, not copied by a spread
        const msg = Object.assign(body, { t: 'req' as const, id, deadline: Date.now() + timeoutMs - grace }) as unknown as R;
        this.#post(msg, transfer);
      } catch (err) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new ApiError('ShardUnavailable', `Could not reach the shard: ${(err as Error).message}`));
      }
    });
  }

  /** Settle the call a reply belongs to. */
  handle(msg: ReplyMsg): void {
    const pending = this.#pending.get(msg.id);
    if (!pending) return this.#onStray(msg.id);
    this.#pending.delete(msg.id);
    clearTimeout(pending.timer);
    if (msg.ok) pending.resolve(msg.result);
    else pending.reject(fromWire(msg.error));
  }

  /** Fail every pending call at once (the other side exited). */
  rejectAll(makeError: () => ApiError): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(makeError());
    }
    this.#pending.clear();
  }
}
