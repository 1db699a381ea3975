// start(config) → a running server: the data dir's lock, the webhook worker and shard threads
// over the shared LMDB store, then the HTTP front. No side effects on import, so tests and
// benchmarks start it in-process.
import { LoopDelay } from './lib/loop-delay.js';
import type { ReconnectPolicy } from './actors/account-actor.js';
import type { Config } from './config.js';
import { portProblem } from './http/listen-error.js';
import { assertNativeBinding, startHttp, type HttpServer } from './http/app.js';
import { checkTls } from './http/tls.js';
import { routes } from './http/routes/index.js';
import { createLogger, type Logger } from './log.js';
import { deriveKey } from './store/crypto.js';
import { loadOrCreateSecret } from './store/secret.js';
import { ParsePool } from './parse/pool.js';
import { EventFeed } from './events/feed.js';
import { AccountStates } from './http/account-states.js';
import type { ShardNotice } from './protocol/wire.js';
import { EventContent } from './notify/content.js';
import type { SettingsView } from './schemas/settings.js';
import { EventLog } from './store/events.js';
import { openEnv, type StoreEnv } from './store/env.js';
import { InstanceLock } from './store/instance-lock.js';
import { ShardPool } from './supervisor/shard-pool.js';
import { TokenStore } from './store/tokens.js';
import { TokenCache } from './http/token-cache.js';
import { Gate } from './http/auth.js';
import { postureProblem } from './http/posture.js';
import { WebhookWorker } from './supervisor/webhook-worker.js';

export interface StartOptions {
  /** reconnect timings, shortened by tests */
  policy?: Partial<ReconnectPolicy>;
  /** bytes queued for a WebSocket consumer before it is dropped as too slow */
  streamMaxQueued?: number;
}

export interface Server {
  url: string;
  port: number;
  log: Logger;
  /** shard supervisor, exposed for tests (crash, freeze) */
  shards: ShardPool;
  /** webhook worker supervisor, exposed for tests (crash) and the webhook benchmark (wake) */
  webhooks: WebhookWorker;
  /** stop accepting, LOGOUT every account, close the store */
  close(): Promise<void>;
}

/** A message travels base64-encoded in JSON (4/3 of its size), beside up to 5 MiB each of text and html. */
function uploadLimit(config: Config): number {
  return Math.max(config.maxBody, Math.ceil(config.maxMessageSize * 4 / 3) + 12 * 1024 * 1024);
}

interface Parts {
  env: StoreEnv;
  feed: EventFeed;
  /** account state changes the shards report, for the stream's consumers */
  states: AccountStates;
  webhooks: WebhookWorker;
  shards: ShardPool;
  parser: ParsePool;
  content: EventContent;
  tokens: TokenCache;
  /** the front thread's event-loop delay, for /v1/stats */
  loop: LoopDelay;
}

/** The secret, the store and the threads over it, not yet started. */
function createParts(config: Config, opts: StartOptions, log: Logger): Parts {
  const key = deriveKey(loadOrCreateSecret(config.dataDir, config.secret));
  const env = openEnv(config.dataDir);
  const feed = new EventFeed(new EventLog(env.root));
  const states = new AccountStates((err) => log.error({ err }, 'an account state subscriber failed'));
  const parser = new ParsePool({ log });
  // the shard pool is made below; the content calls it only once both are running
  const late: { shards?: ShardPool } = {};
  const content = new EventContent({ shards: { callAccount: (...a) => late.shards!.callAccount(...a) }, parser });
  const webhooks = new WebhookWorker({
    front: { eventContent: async ({ account, data, options }) => ({ data: await content.complete(account, data, options) }) },
    requestTimeout: config.requestTimeout,
    log,
    workerData: { dataDir: config.dataDir, key, logLevel: config.logLevel, retention: config.eventRetention, requestTimeout: config.requestTimeout },
  });
  const shards = new ShardPool({
    shards: config.shards,
    requestTimeout: config.requestTimeout,
    log,
    onNotice: (n: ShardNotice) => {
      if (n.kind === 'events') { feed.advance(n.head); webhooks.wake(n.head); return; }
      const { t: _, ...frame } = n;
      states.apply(frame);
    },
    onExit: (shard, owns) => states.shardDown(owns, `The shard thread that owns this account (${shard}) stopped; the account connects again when the shard is back`),
    workerData: {
      dataDir: config.dataDir, key, logLevel: config.logLevel, syncStrategy: config.syncStrategy, syncInterval: config.syncInterval, oauthFlowTtl: config.oauthFlowTtl,
      outbox: { retryWindow: config.sendRetryWindow, backoff: { base: config.sendRetryDelay, cap: 30 * 60_000 }, smtpTimeout: 60_000 },
      ...(opts.policy ? { policy: opts.policy } : {}),
    },
  });
  late.shards = shards;
  return { env, feed, states, webhooks, shards, parser, content, tokens: new TokenCache(new TokenStore(env.root)), loop: new LoopDelay() };
}

/** A settings write is done: the front and every shard take the new values (a shard that is
 *  restarting reads them when it boots, so its failure is only logged). */
async function settingsChanged(p: Parts, log: Logger, view: SettingsView, resetLoggedAccounts: boolean): Promise<void> {
  p.content.configure(view);
  try {
    await p.shards.callAll('settingsChanged', resetLoggedAccounts ? { resetLoggedAccounts } : {});
  } catch (err) {
    log.warn({ err }, 'a shard did not take the new settings now; it reads them when it starts');
  }
}

async function stopParts(p: Parts): Promise<void> {
  p.loop.stop();
  await Promise.all([p.shards.shutdown(), p.webhooks.shutdown(), p.parser.close(), p.tokens.close()]);
  await p.env.close();
}

export async function start(config: Config, opts: StartOptions = {}): Promise<Server> {
  assertNativeBinding();
  const startedAt = Date.now();
  const log = createLogger(config.logLevel, 'front');
  // a bad certificate stops start-up before anything is touched
  const tls = checkTls(config);
  // a port in use is refused before the data dir is touched (the exclusive listen below still
  // catches a server that takes the port in between)
  const taken = config.port === 0 ? null : await portProblem(config.host, config.port);
  if (taken) throw taken;
  // before the secret and the store: a refused second server must leave both untouched
  const lock = InstanceLock.acquire(config.dataDir, config.host);
  let parts: Parts | undefined;
  let http: HttpServer | undefined;
  try {
    parts = createParts(config, opts, log);
    const { shards, webhooks, parser, feed, states, content, tokens } = parts;
    const refused = postureProblem(config.host, { insecure: config.insecure, tokens: !tokens.open, dataDir: config.dataDir });
    if (refused) throw new Error(refused);
    if (tokens.open) log.warn('no API token exists: the API is open to anyone who reaches the port (make one with: imapapi token create --scopes admin)');
    await Promise.all([shards.start(), webhooks.start()]);
    content.configure(await webhooks.call('getSettings', {}));
    http = await startHttp({
      host: config.host, port: config.port, maxBody: config.maxBody, maxUpload: uploadLimit(config), log, routes,
      ctx: {
        shards, webhooks, parser, events: feed, states, content, startedAt, maxMessageSize: config.maxMessageSize, tokens, loopDelay: () => parts!.loop.read(),
        settingsChanged: (view, o) => settingsChanged(parts!, log, view, o.resetLoggedAccounts),
      },
      stream: { maxQueued: opts.streamMaxQueued ?? 4 * 1024 * 1024, maxStreams: config.maxStreams },
      gate: new Gate(tokens, { failLimit: config.authFailLimit, tokenRate: config.tokenRate }),
      tls, accountConcurrency: config.accountConcurrency,
    });
    lock.listening(http.port);
  } catch (err) {
    http?.close();
    try {
      if (parts) await stopParts(parts);
    } finally {
      lock.release();
    }
    throw err;
  }
  return running(config, log, lock, parts, http);
}

function running(config: Config, log: Logger, lock: InstanceLock, parts: Parts, http: HttpServer): Server {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${config.tlsCert ? 'https' : 'http'}://${host}:${http.port}`;
  log.info({ url, shards: config.shards }, 'IMAP API listening');
  let closing: Promise<void> | null = null;
  return {
    url,
    port: http.port,
    log,
    shards: parts.shards,
    webhooks: parts.webhooks,
    close: () => (closing ??= (async () => {
      http.close();
      try {
        await stopParts(parts);
      } finally {
        lock.release();
      }
      log.info('stopped');
    })()),
  };
}
