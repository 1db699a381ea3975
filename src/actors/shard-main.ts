// Body of a shard worker thread: opens the store, boots the shard's actors and serves
// requests from the front until told to shut down.
import type { MessagePort } from 'node:worker_threads';
import { createLogger } from '../log.js';
import { serve } from '../protocol/server.js';
import { PROTOCOL_VERSION, type FromShard, type ToShard } from '../protocol/wire.js';
import { AccountStore } from '../store/accounts.js';
import { SecretBox } from '../store/crypto.js';
import { openEnv } from '../store/env.js';
import { MailboxStore } from '../store/mailboxes.js';
import { EventLog } from '../store/events.js';
import { UidStore } from '../store/uids.js';
import { OutboxStore } from '../store/outbox.js';
import { IdempotencyStore } from '../store/idempotency.js';
import type { OutboxPolicy } from '../outbox/runner.js';
import type { StrategySetting } from '../sync/strategy.js';
import { DEFAULT_POLICY, type ReconnectPolicy } from './account-actor.js';
import { ShardHost } from './shard-host.js';
import { SharedSettings } from './shared-settings.js';
import { SettingsStore } from '../store/settings.js';
import { OAuth2AppStore } from '../store/oauth2-apps.js';
import { OAuthStateStore } from '../store/oauth-states.js';

export interface ShardWorkerData {
  shard: number;
  shards: number;
  dataDir: string;
  key: Uint8Array;
  logLevel: string;
  policy?: Partial<ReconnectPolicy>;
  syncStrategy: StrategySetting;
  syncInterval: number;
  /** ms a sign-in with an OAuth2 app may take */
  oauthFlowTtl: number;
  /** sending: retry window and backoff of the outbox, SMTP timeouts */
  outbox: Omit<OutboxPolicy, 'concurrency'> & { smtpTimeout: number };
}

/** SMTP sessions one shard runs at once (each account has one at most). */
const SMTP_CONCURRENCY = 16;

/** IDLE notices are coalesced this long, and never held longer than the max. */
const COALESCE = { delay: 0, maxWait: 50 };

/** Run shard `data.shard` on `port` (the worker's parentPort). */
export function runShard(port: MessagePort, data: ShardWorkerData): void {
  const log = createLogger(data.logLevel, `shard-${data.shard}`);
  const env = openEnv(data.dataDir);
  const mailboxes = new MailboxStore(env.root);
  const post = (msg: FromShard, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
  const secrets = new SecretBox(data.key);
  const host = new ShardHost({
    shard: data.shard,
    shards: data.shards,
    store: new AccountStore(env.root),
    mailboxes,
    secrets,
    log,
    policy: { ...DEFAULT_POLICY, ...data.policy },
    sync: {
      stores: { root: env.root, mailboxes, uids: new UidStore(env.root), events: new EventLog(env.root) },
      setting: data.syncStrategy,
      sweep: { interval: data.syncInterval, activeFor: 10 * 60_000, activeFactor: 6, ...COALESCE },
      published: (events) => post({ t: 'ctl', kind: 'events', head: events[events.length - 1]!.id }),
    },
    settings: new SharedSettings(new SettingsStore(env.root, secrets)),
    oauth2Apps: new OAuth2AppStore(env.root, secrets),
    oauthFlowTtl: data.oauthFlowTtl,
    oauthStates: new OAuthStateStore(env.root),
    stateChanged: (change) => post({ t: 'ctl', ...change }),
    submissions: {
      outbox: new OutboxStore(env.root), idempotency: new IdempotencyStore(env.root), smtpTimeout: data.outbox.smtpTimeout,
      policy: { retryWindow: data.outbox.retryWindow, backoff: data.outbox.backoff, concurrency: SMTP_CONCURRENCY },
    },
  });
  const handle = serve(host.handlers, post, (err, msg) => log.error({ err, op: msg.op, account: msg.account }, 'request failed'));

  port.on('message', (msg: ToShard) => {
    if (msg.t === 'req') return handle(msg);
    if (msg.kind === 'shutdown') {
      void host.shutdown().finally(async () => {
        await env.close();
        post({ t: 'ctl', kind: 'stopped' });
      });
    } else if (msg.kind === 'freeze') {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, msg.ms);
    }
  });

  const count = host.boot();
  log.info({ accounts: count }, 'shard ready');
  post({ t: 'ctl', kind: 'ready', shard: data.shard, version: PROTOCOL_VERSION });
}
