// One account's actor: owns its IMAP connection, walks the connection state machine, and
// reconnects with jittered backoff (longer after a refused login, so no retry storm).
import type { ImapFlow } from 'imapflow';
import type { Logger } from '../log.js';
import type { AccountState, AccountSummary, AccountView, Counters, Credentials, LastError, PublicServer, ServerSettings } from '../schemas/account.js';
import type { AccountRecord } from '../store/accounts.js';
import type { SecretBox } from '../store/crypto.js';
import type { AccountStateFrame } from '../schemas/events.js';
import { classifyConnectError, type LoginKind } from '../imap/classify.js';
import { createImapClient } from '../imap/connect.js';
import { ApiError } from '../errors.js';
import { newEvent, type EventData } from '../schemas/event-data.js';
import { settleWithin } from '../lib/settle.js';
import type { EventName, StoredEvent } from '../events/types.js';
import { AccountSync, type SweepOptions } from '../sync/account-sync.js';
import type { SyncStores } from '../store/commit.js';
import { pickStrategy, type StrategySetting } from '../sync/strategy.js';
import { Backoff, type BackoffPolicy } from '../lib/backoff.js';
import { ApiSession } from './api-session.js';
import type { Connection, ImapLogger } from './traffic-logs.js';
import { asksForOlderMail, isAppLogin, notifyFromOf, sweepInterval, watchedPath } from './account-settings.js';
import { CredentialsError, credentialsFor, type CredentialSource } from './credentials.js';

export interface ReconnectPolicy {
  connect: BackoffPolicy;
  auth: BackoffPolicy;
  /** a connection up this long resets the backoff, ms */
  stableAfter: number;
  /** how long LOGOUT may take when stopping, ms */
  logoutTimeout: number;
  /** the read connection closes after this long unused, ms */
  readIdleClose: number;
}

export const DEFAULT_POLICY: ReconnectPolicy = {
  connect: { base: 1_000, cap: 5 * 60_000 },
  auth: { base: 60_000, cap: 60 * 60_000 },
  stableAfter: 60_000,
  logoutTimeout: 2_000,
  readIdleClose: 30_000,
};

export interface SyncDeps {
  stores: SyncStores;
  setting: StrategySetting;
  sweep: SweepOptions;
  /** committed events, for the consumers to pick up */
  published(events: StoredEvent[]): void;
}

export interface ActorDeps {
  log: Logger;
  secrets: SecretBox;
  /** where credentials come from when the account uses the auth server */
  credentials: Omit<CredentialSource, 'secrets'>;
  policy: ReconnectPolicy;
  sync: SyncDeps;
  /** the traffic logger of one of the account's connections (traffic-logs.ts) */
  imapLogger(conn: Connection, secrets: readonly string[], next?: ImapLogger): ImapLogger;
  /** every state change, for live watchers (the stream's accountState frames) */
  stateChanged(change: AccountStateFrame): void;
}

export class AccountActor {
  #record: AccountRecord;
  /** notifyFrom of #record as the view shows it (ISO, UTC), worked out once per record */
  #notifyFrom = '';
  #state: AccountState = 'init';
  #lastError: Failure | null = null;
  /** end of the last completed sync, kept in memory only */
  #syncTime: string | null = null;
  readonly #counters: Counters = { connects: 0, disconnects: 0, connectErrors: 0, authErrors: 0, lastConnected: null };
  #client: ImapFlow | null = null;
  #session: ApiSession | null = null;
  #sync: AccountSync | null = null;
  /** whether the last login attempt succeeded, so authenticationSuccess is sent once per recovery */
  #authOk = false;
  /** the failure last announced as an event, so a retry loop announces it once, not per try */
  #announced: 'authenticationError' | 'connectError' | null = null;
  /** an app login refused at the server was tried once more with a fresh token since the last success */
  #triedFreshToken = false;
  /** bumped on every (re)connect or stop so callbacks of an old client are ignored */
  #gen = 0;
  /** deleted: its state changes are no longer announced */
  #retired = false;
  #retryTimer: NodeJS.Timeout | null = null;
  /** when the scheduled retry is due (ms since epoch), for the view and for 503s */
  #nextTry: number | null = null;
  #stableTimer: NodeJS.Timeout | null = null;
  readonly #backoff: Backoff;
  readonly #authBackoff: Backoff;
  readonly #deps: ActorDeps;
  readonly #log: Logger;

  constructor(record: AccountRecord, deps: ActorDeps) {
    this.#record = record;
    this.#notifyFrom = viewedNotifyFrom(record);
    this.#deps = deps;
    this.#log = deps.log.child({ account: record.account });
    this.#backoff = new Backoff(deps.policy.connect);
    this.#authBackoff = new Backoff(deps.policy.auth);
  }

  get state(): AccountState {
    return this.#state;
  }

  get record(): AccountRecord {
    return this.#record;
  }

  summary(): AccountSummary {
    const r = this.#record;
    const summary: AccountSummary = { account: r.account, name: r.name ?? '', state: this.#state, disabled: r.disabled ?? false, counters: { ...this.#counters } };
    if (this.#lastError) summary.lastError = lastErrorView(this.#lastError);
    if (this.#syncTime) summary.syncTime = this.#syncTime;
    if (this.#nextTry !== null) summary.nextTry = new Date(this.#nextTry).toISOString();
    return summary;
  }

  view(): AccountView {
    const r = this.#record;
    // built field by field: a literal of conditional spreads cost 7 µs per GET (V8 copies each)
    const view: AccountView = Object.assign(this.summary(), { imap: publicServer(r.imap), notifyFrom: this.#notifyFrom, created: r.created, updated: r.updated });
    if (r.smtp) view.smtp = publicServer(r.smtp);
    if (r.email !== undefined) view.email = r.email;
    if (r.copy !== undefined) view.copy = r.copy;
    if (r.path !== undefined) view.path = r.path;
    if (r.oauth2) view.oauth2 = oauth2View(r.oauth2);
    return view;
  }

  /** The connection for API commands; a 503 while the account cannot log in at all. */
  session(): ApiSession {
    if (this.#state === 'authenticationError' || this.#state === 'disabled') throw this.#notConnected();
    if (!this.#session) {
      this.#session = new ApiSession({
        // the settings as they are at each login: a new access token applies to the next one
        open: async (logger) => {
          const creds = await this.#credentials('imap');
          return createImapClient(this.#record.imap, creds, { idle: false, logger: this.#deps.imapLogger('api', secretsOf(creds), logger) });
        },
        log: this.#log,
        idleClose: this.#deps.policy.readIdleClose,
        // the server cannot be reached: a new read connection would only wait out the same failure
        down: () => (this.#state === 'connectError' ? this.#notConnected() : null),
      });
    }
    return this.#session;
  }

  /** The 503 of an account that cannot serve reads now: its state, why, and the next try. */
  #notConnected(): ApiError {
    const why = this.#lastError ? `: ${this.#lastError.message}` : '';
    const next = this.#nextTry === null ? {} : { nextTry: new Date(this.#nextTry).toISOString() };
    return new ApiError('NotConnected', `Account "${this.#record.account}" is ${this.#state}${why}`, { state: this.#state, ...next });
  }

  /** The folder list changed through the API: track it now, not at the next sweep. */
  refreshFolders(): void {
    this.#sync?.refreshFolders();
  }

  /** Folders changed through the API: their events should not wait for the sweep. */
  touched(paths: readonly string[]): void {
    this.#sync?.touched(paths);
  }

  /** Begin connecting (or sit in `disabled`). */
  start(): void {
    if (this.#record.disabled) return this.#transition('disabled');
    this.#attempt();
  }

  /** Take new settings; reconnect only when the connection settings changed. */
  async replace(record: AccountRecord, reconnect: boolean): Promise<void> {
    this.#record = record;
    this.#notifyFrom = viewedNotifyFrom(record);
    if (!reconnect) return;
    await this.reconnect();
  }

  /** Drop the connection and connect again now, with fresh backoff. */
  async reconnect(): Promise<void> {
    await this.#disconnect();
    this.#backoff.reset();
    this.#authBackoff.reset();
    this.start();
  }

  /** LOGOUT and stay down (account deleted or shutdown). A deleted account's last moves are
   *  not announced: consumers learn of it from accountDeleted, not from a `disconnected`. */
  async stop(opts: { deleted?: boolean } = {}): Promise<void> {
    if (opts.deleted) this.#retired = true;
    await this.#disconnect();
  }

  #transition(next: AccountState): void {
    if (next === this.#state) return;
    this.#log.info({ from: this.#state, to: next }, 'account state');
    this.#state = next;
    if (this.#retired) return;
    const change: AccountStateFrame = { kind: 'accountState', account: this.#record.account, state: next, date: new Date().toISOString() };
    if (this.#lastError) change.lastError = lastErrorView(this.#lastError);
    this.#deps.stateChanged(change);
  }

  /** Append an account event (state changes carry no other state to commit with them). */
  #emit<K extends EventName>(event: K, data: EventData<K>): void {
    const { stores, published } = this.#deps.sync;
    stores.events.append([newEvent(this.#record.account, null, event, data)])
      .then(published, (err: Error) => this.#log.error({ err: err.message, event }, 'could not store an event'));
  }

  /** A connection attempt whose unexpected failure is a logged retry, never a thread crash. */
  #attempt(): void {
    const gen = this.#gen + 1;
    this.#connect().catch((err: Error) => {
      this.#log.error({ err: err.message }, 'connection attempt failed unexpectedly');
      if (gen === this.#gen && !this.#retryTimer) this.#scheduleRetry(this.#backoff.next());
    });
  }

  /** The credentials of one login (fetched from the auth server each time when so set). */
  #credentials(proto: 'imap'): Promise<Credentials> {
    return credentialsFor({ ...this.#deps.credentials, secrets: this.#deps.secrets }, this.#record.account, proto, this.#record.imap, this.#record.oauth2);
  }

  /** No login could be tried: a password sealed with another key (nothing a retry can fix, so
   *  it waits for new credentials) or an auth server that failed (tried again with backoff). */
  #noCredentials(err: CredentialsError): void {
    const { message, code } = err;
    // the token endpoint is unreachable or failing: like a server that is down, not a bad login
    if (code === 'TokenUnavailable') return this.#onConnectFailed(Object.assign(new Error(message), { code }), null);
    this.#lastError = { message, code, time: new Date().toISOString() };
    this.#counters.authErrors++;
    if (this.#announced !== 'authenticationError') this.#emit('authenticationError', { message, code });
    this.#announced = 'authenticationError';
    this.#authOk = false;
    this.#transition('authenticationError');
    // a key mismatch or a refused grant waits for new settings: a retry would be refused alike
    if (code === 'AuthServerError') this.#scheduleRetry(this.#authBackoff.next());
  }

  async #connect(): Promise<void> {
    const gen = ++this.#gen;
    this.#nextTry = null;
    // a retry after a failed connect stays in connectError until it succeeds: no flip each try
    if (this.#state !== 'connectError') this.#transition('connecting');
    const { sync } = this.#deps;
    let creds: Credentials;
    try {
      creds = await this.#credentials('imap');
    } catch (err) {
      if (gen !== this.#gen) return;
      if (err instanceof CredentialsError) return this.#noCredentials(err);
      throw err;
    }
    if (gen !== this.#gen) return;
    const client = createImapClient(this.#record.imap, creds, { idle: true, qresync: sync.setting === 'auto', logger: this.#deps.imapLogger('sync', secretsOf(creds)) });
    this.#client = client;
    client.on('error', (err: Error) => this.#log.debug({ err: err.message }, 'imap client error'));
    client.on('close', () => {
      if (gen === this.#gen) this.#onClosed();
    });
    try {
      await client.connect();
    } catch (err) {
      if (gen === this.#gen) this.#onConnectFailed(err, client, 'accessToken' in creds ? 'token' : 'password');
      return;
    }
    if (gen !== this.#gen) return client.close();
    this.#lastError = null;
    this.#counters.connects++;
    this.#counters.lastConnected = new Date().toISOString();
    this.#triedFreshToken = false;
    if (!this.#authOk) this.#emit('authenticationSuccess', { user: creds.user });
    this.#authOk = true;
    this.#announced = null;
    this.#transition('syncing');
    const ctx = {
      account: this.#record.account, stores: sync.stores, strategy: pickStrategy(client, sync.setting), log: this.#log, published: sync.published,
      notifyFrom: () => notifyFromOf(this.#record), watched: watchedPath(this.#record), backfill: asksForOlderMail(this.#record),
    };
    const sweep = { ...sync.sweep, interval: sweepInterval(this.#record, sync.sweep.interval) };
    this.#sync = new AccountSync(ctx, client, sweep, (at) => { this.#syncTime = at.toISOString(); });
    // reports what changed while we were away, then leaves the connection IDLE on INBOX
    await this.#sync.start();
    if (gen !== this.#gen || !client.usable) return;
    this.#transition('connected');
    this.#stableTimer = setTimeout(() => {
      this.#backoff.reset();
      this.#authBackoff.reset();
    }, this.#deps.policy.stableAfter);
  }

  #onConnectFailed(err: unknown, client: ImapFlow | null, login: LoginKind = 'password'): void {
    this.#client = null;
    client?.close();
    const failure = classifyConnectError(err, login);
    if (failure.kind === 'auth' && isAppLogin(this.#record.oauth2)) {
      // the server refused the app login's cached token: one silent try with a fresh one, so a
      // dead grant is reported in the provider's words (invalid_grant), not the server's
      this.#deps.credentials.forgetToken?.(this.#record.account);
      if (!this.#triedFreshToken) {
        this.#triedFreshToken = true;
        return this.#attempt();
      }
    }
    this.#lastError = { message: failure.message, time: new Date().toISOString(), ...(failure.code ? { code: failure.code } : {}) };
    const auth = failure.kind === 'auth';
    if (auth) this.#counters.authErrors++;
    else this.#counters.connectErrors++;
    const next = auth ? 'authenticationError' : 'connectError';
    // raised once when the trouble starts, not on every retry
    if (this.#announced !== next) this.#emit(next, { message: failure.message, ...(failure.code ? { code: failure.code } : {}) });
    this.#announced = next;
    if (auth) this.#authOk = false;
    this.#transition(next);
    this.#scheduleRetry((auth ? this.#authBackoff : this.#backoff).next());
  }

  #onClosed(): void {
    // A close during connect() is handled by its catch; only an established session counts here.
    if (this.#state !== 'connected' && this.#state !== 'syncing') return;
    this.#client = null;
    this.#sync?.stop();
    this.#sync = null;
    this.#clearTimers();
    this.#counters.disconnects++;
    this.#lastError = { message: 'Connection closed by the server or the network', code: 'EConnectionClosed', time: new Date().toISOString() };
    this.#transition('disconnected');
    this.#scheduleRetry(this.#backoff.next());
  }

  #scheduleRetry(delay: number): void {
    this.#log.debug({ delay }, 'reconnect scheduled');
    this.#nextTry = Date.now() + delay;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#attempt();
    }, delay);
  }

  #clearTimers(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#stableTimer) clearTimeout(this.#stableTimer);
    this.#retryTimer = this.#stableTimer = null;
    this.#nextTry = null;
  }

  async #disconnect(): Promise<void> {
    this.#gen++;
    this.#clearTimers();
    const session = this.#session;
    this.#session = null;
    await session?.close();
    this.#sync?.stop();
    this.#sync = null;
    const client = this.#client;
    this.#client = null;
    this.#transition(this.#record.disabled ? 'disabled' : 'disconnected');
    if (!client) return;
    if (client.usable) await settleWithin(client.logout(), this.#deps.policy.logoutTimeout);
    client.close();
  }
}

/** What the actor remembers of a failure; shown with the original IMAP API's names beside ours. */
interface Failure { message: string; code?: string; time: string }

function lastErrorView(f: Failure): LastError {
  return { ...f, response: f.message, ...(f.code ? { serverResponseCode: f.code } : {}) };
}

/** notifyFrom as the view shows it: ISO, UTC (the record keeps what was given). */
const viewedNotifyFrom = (r: AccountRecord): string => new Date(notifyFromOf(r)).toISOString();

/** An app login as answered: never the refresh token. */
function oauth2View(o: NonNullable<AccountRecord['oauth2']>): NonNullable<AccountView['oauth2']> {
  const { refreshToken: _, ...rest } = o;
  return rest;
}

/** What a traffic log must never show of these credentials. */
function secretsOf(creds: Credentials): string[] {
  return ['pass' in creds ? creds.pass : creds.accessToken];
}

/** The settings without anything secret (not even sealed). */
function publicServer(s: ServerSettings): PublicServer {
  const view: PublicServer = { host: s.host, port: s.port, secure: s.secure ?? false };
  if (s.auth) view.auth = { user: s.auth.user };
  if (s.useAuthServer !== undefined) view.useAuthServer = s.useAuthServer;
  if (s.tls) view.tls = s.tls;
  if (s.resyncDelay !== undefined) view.resyncDelay = s.resyncDelay;
  return view;
}
