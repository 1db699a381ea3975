// The account actors of one shard: activates them at boot, serialises settings changes per
// account, and answers the account and shard ops.
import { accountNotFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { AccountHandlers, Args, Handlers, Result, ShardStats } from '../protocol/ops.js';
import { shardOf } from '../protocol/placement.js';
import type { AccountState } from '../schemas/account.js';
import type { AccountStore } from '../store/accounts.js';
import type { SecretBox } from '../store/crypto.js';
import type { MailboxStore } from '../store/mailboxes.js';
import { mailOps, type MailOp } from './ops/index.js';
import type { OpContext } from './ops/context.js';
import type { NewEvent } from '../events/types.js';
import { commit } from '../sync/stores.js';
import { AccountActor, type ReconnectPolicy, type SyncDeps } from './account-actor.js';
import { applyPatch, needsReconnect, toRecord } from './account-settings.js';

export interface ShardHostDeps {
  shard: number;
  shards: number;
  store: AccountStore;
  mailboxes: MailboxStore;
  secrets: SecretBox;
  log: Logger;
  policy: ReconnectPolicy;
  sync: SyncDeps;
}

export class ShardHost {
  readonly #actors = new Map<string, AccountActor>();
  /** tail of the settings-change chain per account, so two updates never interleave */
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #deps: ShardHostDeps;

  constructor(deps: ShardHostDeps) {
    this.#deps = deps;
  }

  /** Activate every stored account this shard owns. */
  boot(): number {
    const { shard, shards, store } = this.#deps;
    for (const record of store.all()) {
      if (shardOf(record.account, shards) === shard) this.#activate(record.account).start();
    }
    return this.#actors.size;
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.#actors.values()].map((a) => a.stop()));
  }

  #activate(account: string): AccountActor {
    const record = this.#deps.store.get(account);
    if (!record) throw accountNotFound(account);
    const { log, secrets, policy, sync } = this.#deps;
    const actor = new AccountActor(record, { log, secrets, policy, sync });
    this.#actors.set(account, actor);
    return actor;
  }

  #actor(account: string): AccountActor {
    const actor = this.#actors.get(account);
    if (!actor) throw accountNotFound(account);
    return actor;
  }

  /** One write transaction with the events it causes; published once committed. */
  #commit(fn: () => NewEvent[]): Promise<void> {
    const { sync } = this.#deps;
    return commit(sync, () => sync.stores.events.appendSync(fn()));
  }

  #serial<T>(account: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#chains.get(account) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#chains.set(account, tail);
    void tail.then(() => { if (this.#chains.get(account) === tail) this.#chains.delete(account); });
    return run;
  }

  #context(account: string): OpContext {
    const actor = this.#actor(account);
    return { account, reads: actor.reads(), mailboxes: this.#deps.mailboxes, log: this.#deps.log, foldersChanged: () => actor.refreshFolders() };
  }

  #mailHandlers(): Pick<AccountHandlers, MailOp> {
    const table = {} as Record<MailOp, (account: string, args: never) => Promise<unknown>>;
    for (const op of Object.keys(mailOps) as MailOp[]) {
      const fn = mailOps[op] as (ctx: OpContext, args: Args<typeof op>) => Promise<Result<typeof op>>;
      table[op] = (account, args) => fn(this.#context(account), args);
    }
    return table as unknown as Pick<AccountHandlers, MailOp>;
  }

  readonly handlers: Handlers = {
    ...this.#mailHandlers(),
    createAccount: (account, { input }) => this.#serial(account, async () => {
      const { store, secrets } = this.#deps;
      const existing = store.get(account);
      const now = new Date().toISOString();
      const record = toRecord({ ...input, account }, secrets, existing?.created, now);
      await this.#commit(() => {
        store.putSync(record);
        return existing ? [] : [{ account, path: null, event: 'accountAdded', data: { account } }];
      });
      const actor = this.#actors.get(account);
      if (actor) await actor.replace(record, needsReconnect(actor.record, record, secrets) || actor.state !== 'connected');
      else this.#activate(account).start();
      return { account, state: existing ? 'existing' as const : 'new' as const };
    }),

    getAccount: async (account) => this.#actor(account).view(),

    updateAccount: (account, { patch }) => this.#serial(account, async () => {
      const actor = this.#actor(account);
      const record = applyPatch(actor.record, patch, this.#deps.secrets, new Date().toISOString());
      await this.#deps.store.put(record);
      await actor.replace(record, needsReconnect(actor.record, record, this.#deps.secrets));
      return { account, updated: true };
    }),

    deleteAccount: (account) => this.#serial(account, async () => {
      const actor = this.#actor(account);
      this.#actors.delete(account);
      await actor.stop();
      const { stores } = this.#deps.sync;
      await this.#deps.mailboxes.removeAccount(account);
      await this.#commit(() => {
        this.#deps.store.removeSync(account);
        stores.uids.clearAccountSync(account);
        return [{ account, path: null, event: 'accountDeleted', data: { account } }];
      });
      return { account, deleted: true };
    }),

    reconnectAccount: (account) => this.#serial(account, async () => {
      await this.#actor(account).reconnect();
      return { account, reconnect: true };
    }),

    listAccounts: async ({ state }) => {
      const accounts = [];
      for (const actor of this.#actors.values()) {
        if (!state || actor.state === state) accounts.push(actor.summary());
      }
      return { accounts };
    },

    shardStats: async () => {
      const byState: ShardStats['byState'] = {};
      for (const actor of this.#actors.values()) {
        const s: AccountState = actor.state;
        byState[s] = (byState[s] ?? 0) + 1;
      }
      return { shard: this.#deps.shard, accounts: this.#actors.size, byState };
    },
  };
}
