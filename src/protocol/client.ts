// The calling side of a channel: numbered requests, a deadline per call, and rejectAll()
// when the other side dies so no caller waits forever.
import type { TransferListItem } from 'node:worker_threads';
import { ApiError, fromWire } from '../errors.js';
import type { AccountOp, Args, Result, ShardOp } from './ops.js';
import type { ReplyMsg, RequestMsg } from './wire.js';

interface Pending {
  resolve(value: unknown): void;
  reject(err: ApiError): void;
  timer: NodeJS.Timeout;
  op: string;
}

export class RpcClient {
  #next = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #post: (msg: RequestMsg, transfer: readonly TransferListItem[]) => void;
  readonly #onStray: (id: number) => void;

  constructor(post: (msg: RequestMsg, transfer: readonly TransferListItem[]) => void, onStray: (id: number) => void = () => {}) {
    this.#post = post;
    this.#onStray = onStray;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** `transfer`: ports or buffers in `args` to move to the other side rather than copy. */
  callAccount<K extends AccountOp>(account: string, op: K, args: Args<K>, timeoutMs: number, transfer: readonly TransferListItem[] = []): Promise<Result<K>> {
    return this.#send({ account, op, args } as Omit<RequestMsg, 't' | 'id' | 'deadline'>, timeoutMs, transfer) as Promise<Result<K>>;
  }

  callShard<K extends ShardOp>(op: K, args: Args<K>, timeoutMs: number): Promise<Result<K>> {
    return this.#send({ account: null, op, args } as Omit<RequestMsg, 't' | 'id' | 'deadline'>, timeoutMs, []) as Promise<Result<K>>;
  }

  #send(body: Omit<RequestMsg, 't' | 'id' | 'deadline'>, timeoutMs: number, transfer: readonly TransferListItem[]): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ApiError('DeadlineExceeded', `No answer within ${timeoutMs} ms (${body.op})`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer, op: body.op });
      try {
        this.#post({ ...body, t: 'req', id, deadline: Date.now() + timeoutMs } as RequestMsg, transfer);
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
