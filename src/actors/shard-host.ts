// The account actors of one shard: activates them at boot, gives every op its narrow context,
// and serves the shard's op table (account, mail, submission and shard ops).
import { LoopDelay } from '../lib/loop-delay.js';
import { accountNotFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { AccountHandler, AccountHandlers, Args, CallMeta, Handlers, Result, ShardStats } from '../protocol/ops.js';
import { shardOf } from '../protocol/placement.js';
import type { AccountState } from '../schemas/account.js';
import type { AccountRecord, AccountStore } from '../store/accounts.js';
import type { SecretBox } from '../store/crypto.js';
import type { MailboxStore } from '../store/mailboxes.js';
import { Fifo } from '../lib/fifo.js';
import { mailOps, type MailOp } from './ops/index.js';
import type { OpContext } from './ops/context.js';
import type { NewEvent } from '../events/types.js';
import { commit } from '../store/commit.js';
import { AccountActor, type ActorDeps, type ReconnectPolicy, type SyncDeps } from './account-actor.js';
import { accountOps, type AccountOpsHost } from './account-ops.js';
import type { IdempotencyStore } from '../store/idempotency.js';
import type { OutboxStore } from '../store/outbox.js';
import type { OutboxPolicy } from '../outbox/runner.js';
import type { OutboxService } from '../outbox/service.js';
import { createOutbox, submissionHandlers } from './submissions.js';
import type { SharedSettings } from './shared-settings.js';
import { TrafficLogs } from './traffic-logs.js';
import { verifyAccount } from './ops/verify-account.js';
import type { OAuth2AppStore } from '../store/oauth2-apps.js';
import { oauth2AppHandlers } from './oauth2-apps.js';
import { TokenManager, type TokenPolicy } from '../oauth/token-manager.js';
import { grantStore } from './oauth-grants.js';
import { effectiveApp } from '../oauth/presets.js';
import { finishFlow, openFlow, startFlow, type FlowDeps } from './oauth-flow.js';
import type { OAuthStateStore } from '../store/oauth-states.js';
import { oauthTokenOf } from './oauth-access.js';

export interface ShardHostDeps {
  shard: number;
  shards: number;
  store: AccountStore;
  mailboxes: MailboxStore;
  secrets: SecretBox;
  log: Logger;
  policy: ReconnectPolicy;
  sync: SyncDeps;
  submissions: { outbox: OutboxStore; idempotency: IdempotencyStore; policy: OutboxPolicy; smtpTimeout: number };
  /** server-wide settings (auth server, logs, notify options), reloaded on settingsChanged */
  settings: SharedSettings;
  /** OAuth2 apps, read from LMDB when used (any shard may have written them) */
  oauth2Apps: OAuth2AppStore;
  /** how the token endpoint of an OAuth2 app is tried (default: token-manager.ts) */
  tokenPolicy?: Partial<TokenPolicy>;
  /** ms a sign-in with an OAuth2 app (authorization-code flow) may take */
  oauthFlowTtl: number;
  /** the sign-in states already used (each is good once) */
  oauthStates: OAuthStateStore;
  /** an actor changed state (actor deps `stateChanged`) */
  stateChanged: ActorDeps['stateChanged'];
}

/** The account's own addresses (its `email`, then login names that are addresses), lower-cased. */
function ownAddresses(r: AccountRecord): string[] {
  const names = [r.email, r.smtp?.auth?.user, r.imap.auth?.user].filter((u): u is string => !!u && u.includes('@'));
  return [...new Set(names.map((u) => u.toLowerCase()))];
}

/** How long one request to an OAuth2 provider of a sign-in may take at most (the callback's
 *  request deadline may cut it shorter: oauth-grant.ts budget). */
const FLOW_TIMEOUT = 10_000;

/** How long the auth server may take to hand out one login's credentials. */
const AUTH_SERVER_TIMEOUT = 10_000;

export class ShardHost {
  readonly #actors = new Map<string, AccountActor>();
  /** settings changes of one account run one at a time, so two updates never interleave */
  readonly #chains = new Map<string, Fifo>();
  readonly #deps: ShardHostDeps;
  readonly #loop = new LoopDelay();
  readonly #outbox: OutboxService;
  /** IMAP traffic of the accounts settings `logs` names, in memory only */
  readonly #traffic: TrafficLogs;
  /** access tokens of the shard's OAuth2 app logins, refreshed once per account */
  readonly #tokens: TokenManager;
  /** the op table the shard serves (protocol/server.ts dispatches into it) */
  readonly handlers: Handlers;

  constructor(deps: ShardHostDeps) {
    this.#deps = deps;
    this.#tokens = new TokenManager(grantStore({
      store: deps.store, apps: deps.oauth2Apps, secrets: deps.secrets, commit: (fn) => this.#commit(fn),
      saved: (record) => { void this.#actors.get(record.account)?.replace(record, false); },
    }), deps.tokenPolicy);
    this.#traffic = new TrafficLogs(deps.settings);
    const { shard, shards } = deps;
    this.#outbox = createOutbox({
      ...deps.submissions, secrets: deps.secrets, log: deps.log, commit: (fn) => this.#commit(fn), credentials: this.#credentialSource(),
      record: (account) => deps.store.get(account), actor: (account) => this.#actors.get(account),
      owns: (account) => shardOf(account, shards) === shard,
    });
    this.handlers = this.#handlers();
  }

  /** Activate every stored account this shard owns. */
  boot(): number {
    const { shard, shards, store } = this.#deps;
    for (const record of store.all()) {
      if (shardOf(record.account, shards) === shard) this.#activate(record.account).start();
    }
    this.#outbox.boot();
    return this.#actors.size;
  }

  async shutdown(): Promise<void> {
    // tries in flight end first: a message handed to SMTP gets its outcome recorded
    await this.#outbox.close();
    await Promise.all([...this.#actors.values()].map((a) => a.stop()));
    this.#loop.stop();
  }

  /** The auth server as the settings name it at each login. */
  #credentialSource(): ActorDeps['credentials'] {
    const { settings } = this.#deps;
    return {
      authServer: () => settings.current.authServer, authServerTimeout: AUTH_SERVER_TIMEOUT,
      oauthToken: async (account) => (await this.#tokens.accessToken(account)).accessToken,
      forgetToken: (account) => this.#tokens.forget(account),
    };
  }

  #activate(account: string): AccountActor {
    const record = this.#deps.store.get(account);
    if (!record) throw accountNotFound(account);
    const { log, secrets, policy, sync, stateChanged } = this.#deps;
    const imapLogger = this.#traffic.logger.bind(this.#traffic, account);
    const actor = new AccountActor(record, { log, secrets, policy, sync, imapLogger, stateChanged, credentials: this.#credentialSource() });
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
    let fifo = this.#chains.get(account);
    if (!fifo) this.#chains.set(account, (fifo = new Fifo()));
    const chain = fifo;
    return chain.run(fn).finally(() => { if (chain.idle && this.#chains.get(account) === chain) this.#chains.delete(account); });
  }

  #context(account: string, meta: CallMeta): OpContext {
    const actor = this.#actor(account);
    const record = actor.record;
    return {
      account, session: actor.session(), mailboxes: this.#deps.mailboxes, log: this.#deps.log, deadline: meta.deadline,
      identity: { name: record.name ?? '', addresses: ownAddresses(record), canSend: record.smtp !== undefined },
      foldersChanged: () => actor.refreshFolders(),
      touched: (paths) => actor.touched(paths),
      commit: (fn) => this.#commit(fn),
    };
  }

  /** What the account ops may touch: records, actors, and a turn per account for settings changes. */
  #accountHost(): AccountOpsHost {
    const { store, secrets, mailboxes, sync, submissions } = this.#deps;
    return {
      store, secrets, mailboxes,
      serial: (account, fn) => this.#serial(account, fn),
      commit: (fn) => this.#commit(fn),
      actor: (account) => this.#actors.get(account),
      activate: (account) => this.#activate(account),
      forget: (account) => { this.#actors.delete(account); this.#traffic.drop(account); this.#tokens.forget(account); },
      settingsChanged: (account) => this.#tokens.forget(account),
      appServers: (app) => {
        const record = this.#deps.oauth2Apps.get(app);
        return record && effectiveApp(record);
      },
      clearSync: (account) => { sync.stores.uids.clearAccountSync(account); submissions.outbox.removeAccountSync(account); },
    };
  }

  #bind<K extends MailOp>(op: K): AccountHandler<K> {
    const fn = mailOps[op];
    return (account: string, args: Args<K>, meta: CallMeta): Promise<Result<K>> => fn(this.#context(account, meta), args);
  }

  #mailHandlers(): Pick<AccountHandlers, MailOp> {
    return {
      listMailboxes: this.#bind('listMailboxes'), createMailbox: this.#bind('createMailbox'), renameMailbox: this.#bind('renameMailbox'),
      deleteMailbox: this.#bind('deleteMailbox'), listMessages: this.#bind('listMessages'), searchMessages: this.#bind('searchMessages'),
      getMessage: this.#bind('getMessage'), getText: this.#bind('getText'), openAttachment: this.#bind('openAttachment'),
      openSource: this.#bind('openSource'), updateFlags: this.#bind('updateFlags'), updateFlagsBulk: this.#bind('updateFlagsBulk'),
      moveMessage: this.#bind('moveMessage'), moveMessages: this.#bind('moveMessages'), deleteMessage: this.#bind('deleteMessage'),
      deleteMessages: this.#bind('deleteMessages'), uploadMessage: this.#bind('uploadMessage'), prepareSubmit: this.#bind('prepareSubmit'),
      notifyContent: this.#bind('notifyContent'),
    };
  }

  /** logs.resetLoggedAccounts: the logged accounts reconnect, so their logs start with a login. */
  #reconnectLogged(): void {
    const { all, accounts } = this.#deps.settings.current.logs;
    const listed = new Set(accounts);
    for (const [account, actor] of this.#actors) {
      if (!all && !listed.has(account)) continue;
      // in the account's settings turn, like reconnectAccount; the caller does not wait for it
      void this.#serial(account, () => actor.reconnect()).catch((err: unknown) => this.#deps.log.warn({ err, account }, 'reconnect of a logged account failed'));
    }
  }

  /** The sign-in flow and the access tokens of OAuth2 app logins; accounts are registered through `accounts`. */
  #oauthHandlers(accounts: ReturnType<typeof accountOps>): Pick<Handlers, 'startOAuth2' | 'openOAuth2' | 'finishOAuth2' | 'getOAuthToken'> {
    const { store, oauth2Apps: apps, secrets, oauthStates } = this.#deps;
    const meta = () => ({ deadline: Date.now() + FLOW_TIMEOUT });
    const flow: FlowDeps = {
      apps, store, secrets, stateTtl: this.#deps.oauthFlowTtl, timeout: FLOW_TIMEOUT,
      spend: (nonce, expires, step) => oauthStates.spend(nonce, expires, step),
      outcome: (entry) => (entry.error ? this.#deps.log.warn(entry, 'OAuth2 sign-in failed') : this.#deps.log.info(entry, 'OAuth2 sign-in')),
      create: (account, input, expect) => accounts.createAccount(account, { input, expect }, meta()),
      update: (account, patch, expect) => accounts.updateAccount(account, { patch, expect }, meta()),
    };
    return {
      startOAuth2: async (input) => startFlow(flow, input),
      openOAuth2: ({ state }) => openFlow(flow, state),
      finishOAuth2: (account, input, { deadline }) => finishFlow(flow, account, input, deadline),
      getOAuthToken: (account) => oauthTokenOf({ store, apps, accessToken: (a) => this.#tokens.accessToken(a) }, account),
    };
  }

  #handlers(): Handlers {
    const accounts = accountOps(this.#accountHost());
    return {
      ...this.#mailHandlers(),
      ...submissionHandlers(this.#outbox, { record: (account) => this.#deps.store.get(account) }),
      ...accounts,
      ...this.#oauthHandlers(accounts),
      ...oauth2AppHandlers(this.#deps.oauth2Apps, this.#deps.store),
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
        return { shard: this.#deps.shard, accounts: this.#actors.size, byState, eventLoopDelay: this.#loop.read() };
      },

      getLogs: async (account) => {
        this.#actor(account);
        return this.#traffic.read(account);
      },

      verifyAccount: (input, meta) => verifyAccount(input, meta),

      settingsChanged: async ({ resetLoggedAccounts }) => {
        this.#deps.settings.reload();
        if (resetLoggedAccounts) this.#reconnectLogged();
        return {};
      },
    };
  }
}
