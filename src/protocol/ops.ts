// The single list of operations a shard serves. The front's routes and the shard's handler
// table are both typed against these maps, so an op cannot exist on one side only.
import type {
  AccountAck, AccountInput, AccountPatch, AccountState, AccountSummary, AccountView, PutAccountResult,
} from '../schemas/account.js';

type NoArgs = Record<string, never>;

/** Ops addressed to one account; the shard that owns the account serves them. */
export interface AccountOps {
  createAccount: { args: { input: AccountInput }; result: PutAccountResult };
  getAccount: { args: NoArgs; result: AccountView };
  updateAccount: { args: { patch: AccountPatch }; result: AccountAck };
  deleteAccount: { args: NoArgs; result: AccountAck };
  reconnectAccount: { args: NoArgs; result: AccountAck };
}

export interface ShardStats {
  shard: number;
  accounts: number;
  byState: Partial<Record<AccountState, number>>;
}

/** Ops addressed to a whole shard; the front fans them out and merges the answers. */
export interface ShardOps {
  listAccounts: { args: { state?: AccountState }; result: { accounts: AccountSummary[] } };
  shardStats: { args: NoArgs; result: ShardStats };
}

export type Ops = AccountOps & ShardOps;
export type AccountOp = keyof AccountOps;
export type ShardOp = keyof ShardOps;
export type Op = keyof Ops;
export type Args<K extends Op> = Ops[K]['args'];
export type Result<K extends Op> = Ops[K]['result'];

export type AccountHandlers = { [K in AccountOp]: (account: string, args: Args<K>) => Promise<Result<K>> };
export type ShardHandlers = { [K in ShardOp]: (args: Args<K>) => Promise<Result<K>> };
export type Handlers = AccountHandlers & ShardHandlers;

const SHARD_OP_NAMES: Record<ShardOp, true> = { listAccounts: true, shardStats: true };

export function isShardOp(op: Op): op is ShardOp {
  return op in SHARD_OP_NAMES;
}
