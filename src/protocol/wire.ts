// Envelopes for everything that crosses a thread boundary: one discriminated union on `t`.
import type { WireError } from '../errors.js';
import type { AccountStateFrame } from '../schemas/events.js';
import type { AccountOp, Args, FrontOp, Op, ShardOp, WebhookOp } from './ops.js';

export const PROTOCOL_VERSION = 1;

/** `json`: answer with the result's JSON text (protocol/json.ts), for the front to write as is */
type AccountRequest = { [K in AccountOp]: { t: 'req'; id: number; account: string; op: K; args: Args<K>; deadline: number; json?: true } }[AccountOp];
type ShardRequest = { [K in ShardOp]: { t: 'req'; id: number; account: null; op: K; args: Args<K>; deadline: number } }[ShardOp];

/** A call; `deadline` is an absolute Date.now() after which nobody waits for the answer. */
export type RequestMsg = AccountRequest | ShardRequest;
/** A call to the webhook worker: same envelope, its own ops, never addressed to an account. */
export type WebhookRequestMsg = { [K in WebhookOp]: { t: 'req'; id: number; account: null; op: K; args: Args<K>; deadline: number } }[WebhookOp];

/** A call from the webhook worker to the front (content for messageNew). */
export type FrontRequestMsg = { [K in FrontOp]: { t: 'req'; id: number; account: null; op: K; args: Args<K>; deadline: number } }[FrontOp];

export type ReplyMsg =
  | { t: 'res'; id: number; ok: true; result: unknown }
  | { t: 'res'; id: number; ok: false; error: WireError };

export type ControlMsg =
  | { t: 'ctl'; kind: 'ready'; shard: number; version: number }
  | { t: 'ctl'; kind: 'shutdown' }
  | { t: 'ctl'; kind: 'stopped' }
  /** events up to id `head` are committed to the log */
  | { t: 'ctl'; kind: 'events'; head: number }
  /** an account's connection state changed (live only, never logged) */
  | ({ t: 'ctl' } & AccountStateFrame)
  /** test hook: block the shard's event loop, to exercise deadlines */
  | { t: 'ctl'; kind: 'freeze'; ms: number };

/** What a shard tells the front besides replies: the log grew, or an account changed state. */
export type ShardNotice = Extract<ControlMsg, { kind: 'events' | 'accountState' }>;

export type ToShard = RequestMsg | ControlMsg;
export type FromShard = ReplyMsg | ControlMsg;
/** The webhook worker is woken with `events` (it reads the log itself) and stopped like a shard. */
/** Replies travel both ways on this channel: the worker also calls the front (FrontOps). */
export type ToWebhooks = WebhookRequestMsg | ReplyMsg | Extract<ControlMsg, { kind: 'events' | 'shutdown' }>;
export type FromWebhooks = ReplyMsg | FrontRequestMsg | { t: 'ctl'; kind: 'ready'; version: number } | Extract<ControlMsg, { kind: 'stopped' }>;

export type { Op };
