// Body of the webhook worker thread: opens the store, delivers the event log to the webhook
// URL, enforces the retention window, and serves the webhook ops until told to shut down.
import type { MessagePort } from 'node:worker_threads';
import { createLogger, type Logger } from '../log.js';
import { RpcClient } from '../protocol/client.js';
import { serveWebhooks } from '../protocol/server.js';
import { PROTOCOL_VERSION, type FrontRequestMsg, type FromWebhooks, type ToWebhooks } from '../protocol/wire.js';
import { SecretBox } from '../store/crypto.js';
import { CursorStore } from '../store/cursors.js';
import { DeadLetterStore } from '../store/dead-letters.js';
import { openEnv, type StoreEnv } from '../store/env.js';
import { EventLog } from '../store/events.js';
import { SettingsStore } from '../store/settings.js';
import { Dispatcher, type DispatcherDeps } from './dispatcher.js';
import { webhookHandlers } from './handlers.js';
import { enforceRetention, pruneInterval } from './retention.js';
import { Sender } from './sender.js';
import { Settings } from './settings.js';

export interface WebhookWorkerData {
  dataDir: string;
  key: Uint8Array;
  logLevel: string;
  /** config eventRetention: events are kept, and retried, this long (ms) */
  retention: number;
  /** config requestTimeout: an API call (test, replay) must answer within it (ms) */
  requestTimeout: number;
}

/** The log is read this often even without a wake-up, so nothing waits on a lost one. */
const POLL_MS = 1000;
const CONCURRENCY = 32;
const TIMEOUT_MS = 10_000;
const BACKOFF = { base: 1000, cap: 5 * 60_000 };
const SHUTDOWN_DRAIN_MS = 2000;

interface Parts { env: StoreEnv; events: EventLog; settings: Settings; dispatcher: Dispatcher; sender: Sender; cursors: CursorStore; dead: DeadLetterStore }

/**
 * messageNew content comes from the front, which owns the shards and the parser pool: one extra
 * hop for enriched events only, and no ports to re-plumb when a shard or this worker restarts.
 */
function contentFrom(front: RpcClient<FrontRequestMsg>, timeout: number): NonNullable<DispatcherDeps['content']> {
  return async (e, options) => {
    const { data } = await front.callFront('eventContent', { account: e.account, data: e.data, options }, timeout);
    return { ...e, data };
  };
}

function open(data: WebhookWorkerData, log: Logger, front: RpcClient<FrontRequestMsg>): Parts {
  const env = openEnv(data.dataDir);
  const events = new EventLog(env.root);
  const cursors = new CursorStore(env.root, 'webhook');
  const dead = new DeadLetterStore(env.root);
  const sender = new Sender({ timeout: TIMEOUT_MS, connections: CONCURRENCY });
  const head = () => { events.refresh(); return events.head(); };
  const box = new SecretBox(data.key);
  const settings = new Settings(new SettingsStore(env.root, box), box, head);
  const dispatcher = new Dispatcher({
    events, cursors, dead, sender, log, retention: data.retention, concurrency: CONCURRENCY, backoff: BACKOFF, content: contentFrom(front, data.requestTimeout),
  });
  return { env, events, settings, dispatcher, sender, cursors, dead };
}

/** Run the webhook worker on `port` (the worker's parentPort). */
export function runWebhooks(port: MessagePort, data: WebhookWorkerData): void {
  const log = createLogger(data.logLevel, 'webhooks');
  const post = (msg: FromWebhooks) => port.postMessage(msg);
  const front = new RpcClient<FrontRequestMsg>(post, (id) => log.warn({ id }, 'reply from the front for an unknown or expired request'));
  const { env, events, settings, dispatcher, sender, cursors, dead } = open(data, log, front);
  const handle = serveWebhooks(
    webhookHandlers({ settings, dispatcher, dead, sender, budgetMs: Math.floor(data.requestTimeout / 2), concurrency: CONCURRENCY }),
    post, (err, msg) => log.error({ err, op: msg.op }, 'request failed'),
  );
  let pruning = Promise.resolve();
  const prune = () => {
    pruning = pruning.then(() => enforceRetention({ events, dispatcher, retention: data.retention, log })).then(() => undefined, (err: unknown) => log.error({ err }, 'retention failed'));
  };
  const timers = [setInterval(() => dispatcher.wake(), POLL_MS), setInterval(prune, pruneInterval(data.retention))];

  port.on('message', (msg: ToWebhooks) => {
    if (msg.t === 'req') return handle(msg);
    if (msg.t === 'res') return front.handle(msg);
    if (msg.kind === 'events') return dispatcher.wake();
    if (msg.kind !== 'shutdown') return;
    for (const t of timers) clearInterval(t);
    void (async () => {
      await Promise.all([dispatcher.close(SHUTDOWN_DRAIN_MS), pruning]);
      await sender.close();
      await cursors.close();
      await env.close();
      post({ t: 'ctl', kind: 'stopped' });
    })();
  });

  if (settings.secretUnreadable) log.error('the stored webhook secret cannot be decrypted (the server key changed); webhooks are paused until it is set again');
  const target = settings.target();
  if (target) dispatcher.start(target, settings.from);
  prune();
  // not the URL itself: it may carry credentials
  log.info({ delivering: target !== null, from: settings.from }, 'webhook worker ready');
  post({ t: 'ctl', kind: 'ready', version: PROTOCOL_VERSION });
}
