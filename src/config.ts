// Configuration from command-line flags and IMAPAPI_* environment variables, validated up
// front so a bad value stops start-up with a clear message instead of failing later.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  shards: number;
  /** encryption secret; undefined = generated into the data dir on first start */
  secret: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** deadline for one API request routed to a shard, ms */
  requestTimeout: number;
  /** largest accepted request body, bytes */
  maxBody: number;
  /** largest message (decoded) that can be uploaded or sent, bytes */
  maxMessageSize: number;
  /** how sync finds changes: auto (QRESYNC/CONDSTORE when offered) or a forced fallback */
  syncStrategy: 'auto' | 'condstore' | 'full';
  /** how often folders other than INBOX are checked, ms */
  syncInterval: number;
  /** how long events are kept (and webhooks retried), ms */
  eventRetention: number;
  /** how long a submission that fails with a temporary error is tried again, ms */
  sendRetryWindow: number;
  /** first wait after a temporary SMTP failure, ms (doubles up to 30 min) */
  sendRetryDelay: number;
  /** failed token checks per client address per minute before 429 */
  authFailLimit: number;
  /** requests per second one API token may make; 0 = no limit */
  tokenRate: number;
  /** listen on a non-loopback address although no API token exists */
  insecure: boolean;
  // TLS and limits (issue 16)
  /** PEM certificate (chain) file: with tlsKey, serve HTTPS and WSS */
  tlsCert: string | undefined;
  /** PEM private key file of tlsCert */
  tlsKey: string | undefined;
  /** passphrase of an encrypted tlsKey */
  tlsPassphrase: string | undefined;
  /** concurrent API requests one account may have in flight; more get 429 */
  accountConcurrency: number;
  /** open /v1/stream connections; more are refused at the upgrade with 429 */
  maxStreams: number;
  /** how long a sign-in with an OAuth2 app (authorize → callback) may take, ms */
  oauthFlowTtl: number;
}

export class ConfigError extends Error {}

type Parser<T> = (raw: string, name: string) => T;

interface OptionSpec<K extends keyof Config> {
  key: K;
  flag: string;
  env: string;
  help: string;
  def: () => Config[K];
  parse: Parser<Config[K]>;
}

const int = (min: number, max: number): Parser<number> => (raw, name) => {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
};
const text: Parser<string> = (raw, name) => {
  if (!raw.trim()) throw new ConfigError(`${name} must not be empty`);
  return raw;
};
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const level: Parser<Config['logLevel']> = (raw, name) => {
  const found = LEVELS.find((l) => l === raw);
  if (!found) throw new ConfigError(`${name} must be one of ${LEVELS.join(', ')}, got "${raw}"`);
  return found;
};
const STRATEGIES = ['auto', 'condstore', 'full'] as const;
const strategy: Parser<Config['syncStrategy']> = (raw, name) => {
  const found = STRATEGIES.find((l) => l === raw);
  if (!found) throw new ConfigError(`${name} must be one of ${STRATEGIES.join(', ')}, got "${raw}"`);
  return found;
};
const secret: Parser<string | undefined> = (raw, name) => {
  if (raw.length < 16) throw new ConfigError(`${name} must be at least 16 characters`);
  return raw;
};

const file: Parser<string | undefined> = (raw, name) => {
  if (!raw.trim()) throw new ConfigError(`${name} must name a file`);
  return raw;
};

function spec<K extends keyof Config>(s: OptionSpec<K>): OptionSpec<K> { return s; }

const OPTIONS = [
  spec({ key: 'host', flag: 'host', env: 'IMAPAPI_HOST', help: 'address to listen on', def: () => '127.0.0.1', parse: text }),
  spec({ key: 'port', flag: 'port', env: 'IMAPAPI_PORT', help: 'HTTP port (0 = any free port)', def: () => 3000, parse: int(0, 65535) }),
  spec({ key: 'dataDir', flag: 'data-dir', env: 'IMAPAPI_DATA_DIR', help: 'folder for the LMDB store and the generated secret', def: () => './data', parse: text }),
  spec({ key: 'shards', flag: 'shards', env: 'IMAPAPI_SHARDS', help: 'number of shard worker threads (default: CPU cores)', def: () => availableParallelism(), parse: int(1, 256) }),
  spec({ key: 'secret', flag: 'secret', env: 'IMAPAPI_SECRET', help: 'key for encrypting stored passwords (default: generated into the data dir)', def: () => undefined, parse: secret }),
  spec({ key: 'logLevel', flag: 'log-level', env: 'IMAPAPI_LOG_LEVEL', help: `log level: ${LEVELS.join('|')}`, def: () => 'info' as const, parse: level }),
  spec({ key: 'requestTimeout', flag: 'request-timeout', env: 'IMAPAPI_REQUEST_TIMEOUT', help: 'deadline for one API request, ms', def: () => 30_000, parse: int(100, 600_000) }),
  spec({ key: 'maxBody', flag: 'max-body', env: 'IMAPAPI_MAX_BODY', help: 'largest request body, bytes', def: () => 1024 * 1024, parse: int(1024, 1024 * 1024 * 1024) }),
  spec({ key: 'maxMessageSize', flag: 'max-message-size', env: 'IMAPAPI_MAX_MESSAGE_SIZE', help: 'largest message to upload or send (attachments included), bytes', def: () => 25 * 1024 * 1024, parse: int(1024, 512 * 1024 * 1024) }),
  spec({ key: 'syncStrategy', flag: 'sync-strategy', env: 'IMAPAPI_SYNC_STRATEGY', help: 'change detection: auto|condstore|full', def: () => 'auto' as const, parse: strategy }),
  spec({ key: 'syncInterval', flag: 'sync-interval', env: 'IMAPAPI_SYNC_INTERVAL', help: 'check folders other than INBOX this often, ms', def: () => 60_000, parse: int(1000, 24 * 3600_000) }),
  spec({ key: 'eventRetention', flag: 'event-retention', env: 'IMAPAPI_EVENT_RETENTION', help: 'keep events (and retry webhooks) this long, ms', def: () => 3 * 24 * 3600_000, parse: int(1000, 365 * 24 * 3600_000) }),
  spec({ key: 'sendRetryWindow', flag: 'send-retry-window', env: 'IMAPAPI_SEND_RETRY_WINDOW', help: 'retry a submission refused for now (4xx, network) this long, ms', def: () => 24 * 3600_000, parse: int(1000, 30 * 24 * 3600_000) }),
  spec({ key: 'sendRetryDelay', flag: 'send-retry-delay', env: 'IMAPAPI_SEND_RETRY_DELAY', help: 'first wait before retrying a submission, ms (then doubling, up to 30 min)', def: () => 30_000, parse: int(100, 3600_000) }),
  spec({ key: 'authFailLimit', flag: 'auth-fail-limit', env: 'IMAPAPI_AUTH_FAIL_LIMIT', help: 'failed token checks per client address per minute, then 429', def: () => 10, parse: int(1, 1_000_000) }),
  spec({ key: 'tokenRate', flag: 'token-rate', env: 'IMAPAPI_TOKEN_RATE', help: 'requests per second per API token, then 429 (0 = no limit)', def: () => 0, parse: int(0, 1_000_000) }),
  // TLS and limits (issue 16)
  spec({ key: 'tlsCert', flag: 'tls-cert', env: 'IMAPAPI_TLS_CERT', help: 'PEM certificate file: serve HTTPS and WSS (needs --tls-key)', def: () => undefined, parse: file }),
  spec({ key: 'tlsKey', flag: 'tls-key', env: 'IMAPAPI_TLS_KEY', help: 'PEM private key file of --tls-cert', def: () => undefined, parse: file }),
  spec({ key: 'tlsPassphrase', flag: 'tls-passphrase', env: 'IMAPAPI_TLS_PASSPHRASE', help: 'passphrase of an encrypted --tls-key', def: () => undefined, parse: text }),
  spec({ key: 'accountConcurrency', flag: 'account-concurrency', env: 'IMAPAPI_ACCOUNT_CONCURRENCY', help: 'API requests one account may have in flight (more get 429)', def: () => 16, parse: int(1, 10_000) }),
  spec({ key: 'oauthFlowTtl', flag: 'oauth-flow-ttl', env: 'IMAPAPI_OAUTH_FLOW_TTL', help: 'how long a sign-in with an OAuth2 app may take, ms', def: () => 10 * 60_000, parse: int(1000, 24 * 3600_000) }),
  spec({ key: 'maxStreams', flag: 'max-streams', env: 'IMAPAPI_MAX_STREAMS', help: 'open /v1/stream connections (more get 429)', def: () => 1000, parse: int(1, 1_000_000) }),
] as const;

/** Boolean flags: given = true; their variable is true when set to 1 or true. */
const SWITCHES = [
  { key: 'insecure', flag: 'insecure', env: 'IMAPAPI_INSECURE', help: 'listen on a non-loopback address with no API token (anyone who reaches the port can do everything)' },
] as const;

/** Text printed by --help. */
/** What `--help` says of an option's default (none for the generated secret). */
function defaultOf(o: (typeof OPTIONS)[number]): string {
  if (/\(default/.test(o.help)) return '';
  const value = o.def();
  return value === undefined ? '' : ` (default: ${String(value)})`;
}

export function helpText(): string {
  const lines = OPTIONS.map((o) => `  --${o.flag.padEnd(16)} ${o.env.padEnd(24)} ${o.help}${defaultOf(o)}`);
  for (const o of SWITCHES) lines.push(`  --${o.flag.padEnd(16)} ${o.env.padEnd(24)} ${o.help}`);
  return ['Usage: imapapi [options]', '       imapapi token create|list [options] (imapapi token --help)', '', 'Options (flag, environment variable, meaning):', ...lines,
    `  --${'version'.padEnd(16)} ${''.padEnd(24)} print the version and exit`,
    `  --${'help'.padEnd(16)} ${''.padEnd(24)} show this text`].join('\n');
}

/** `help: true`: print something and exit instead of starting (the version with --version). */
export type CliResult = { help: true; version: boolean } | { help: false; config: Config };

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): CliResult {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' }, version: { type: 'boolean' } };
  for (const o of OPTIONS) options[o.flag] = { type: 'string' };
  for (const o of SWITCHES) options[o.flag] = { type: 'boolean' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (values.help || values.version) return { help: true, version: !values.help && values.version === true };
  const config: Record<string, unknown> = {};
  for (const o of OPTIONS) {
    const fromFlag = values[o.flag];
    const raw = typeof fromFlag === 'string' ? fromFlag : env[o.env];
    config[o.key] = raw === undefined ? o.def() : o.parse(raw, typeof fromFlag === 'string' ? `--${o.flag}` : o.env);
  }
  for (const o of SWITCHES) config[o.key] = values[o.flag] === true || /^(1|true)$/i.test(env[o.env] ?? '');
  return { help: false, config: config as unknown as Config };
}
