// Envelopes for everything that crosses a thread boundary: one discriminated union on `t`.
import type { WireError } from '../errors.js';
import type { AccountOp, Args, Op, ShardOp } from './ops.js';

export const PROTOCOL_VERSION = 1;

type AccountRequest = { [K in AccountOp]: { t: 'req'; id: number; account: string; op: K; args: Args<K>; deadline: number } }[AccountOp];
type ShardRequest = { [K in ShardOp]: { t: 'req'; id: number; account: null; op: K; args: Args<K>; deadline: number } }[ShardOp];

/** A call; `deadline` is an absolute Date.now() after which nobody waits for the answer. */
export type RequestMsg = AccountRequest | ShardRequest;

export type ReplyMsg =
  | { t: 'res'; id: number; ok: true; result: unknown }
  | { t: 'res'; id: number; ok: false; error: WireError };

export type ControlMsg =
  | { t: 'ctl'; kind: 'ready'; shard: number; version: number }
  | { t: 'ctl'; kind: 'shutdown' }
  | { t: 'ctl'; kind: 'stopped' }
  /** events up to id `head` are committed to the log */
  | { t: 'ctl'; kind: 'events'; head: number }
  /** test hook: block the shard's event loop, to exercise deadlines */
  | { t: 'ctl'; kind: 'freeze'; ms: number };

export type ToShard = RequestMsg | ControlMsg;
export type FromShard = ReplyMsg | ControlMsg;

export type { Op };
