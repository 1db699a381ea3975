// The IMAP traffic of the accounts that settings `logs` names, kept in memory only: a bounded
// ring per account, fed by the imapflow loggers of its connections, redacted line by line.
import type { ImapFlowOptions } from 'imapflow';
import { redactLine, type Direction } from '../imap/log-redact.js';
import { LineRing } from '../lib/line-ring.js';
import type { LogSettings } from '../store/settings.js';
import type { SharedSettings } from './shared-settings.js';

export type ImapLogger = Exclude<ImapFlowOptions['logger'], false | undefined> & { isLevelEnabled?(level: string): boolean };
/** which of the account's connections a line came through */
export type Connection = 'sync' | 'api';

/** bytes of log one account may hold, whatever maxLogLines says */
const MAX_BYTES = 4 << 20;
/** bytes of log all the logged accounts of a shard hold together (logs.all on many accounts) */
const SHARD_BYTES = 64 << 20;
const MAX_LINES = 1_000_000;

interface Entry { src?: unknown; msg?: unknown; cid?: unknown }

export class TrafficLogs {
  readonly #rings = new Map<string, LineRing>();
  #logs: LogSettings;
  #named: Set<string>;

  constructor(settings: SharedSettings) {
    this.#logs = settings.current.logs;
    this.#named = new Set(this.#logs.accounts);
    settings.onChange((next) => this.#apply(next.logs));
  }

  /** Whether the traffic of `account` is kept now. */
  logged(account: string): boolean {
    return this.#logs.all || this.#named.has(account);
  }

  /** The kept lines of `account`, oldest first ('' when none). */
  read(account: string): { logged: boolean; text: string } {
    return { logged: this.logged(account), text: this.#rings.get(account)?.text() ?? '' };
  }

  /** Forget the account's lines (deleted). */
  drop(account: string): void {
    this.#rings.delete(account);
  }

  /** An imapflow logger for one connection of `account`; `next` gets every entry as well.
   *  While the account is not logged, imapflow builds no traffic entries for it at all. */
  logger(account: string, conn: Connection, secrets: readonly string[], next?: ImapLogger): ImapLogger {
    const tap = (entry: Entry) => {
      if ((entry?.src === 'c' || entry?.src === 's') && typeof entry.msg === 'string' && this.logged(account)) {
        this.#push(account, conn, entry.src, entry.msg, entry.cid, secrets);
      }
    };
    return {
      trace: (e: Entry) => { tap(e); next?.trace?.(e); },
      debug: (e: Entry) => { tap(e); next?.debug(e); },
      info: (e: Entry) => next?.info(e),
      warn: (e: Entry) => next?.warn(e),
      error: (e: Entry) => { tap(e); next?.error(e); },
      isLevelEnabled: (level: string) => ((level === 'debug' || level === 'trace') && this.logged(account))
        || (next?.isLevelEnabled ? next.isLevelEnabled(level) : !!next),
    };
  }

  #push(account: string, conn: Connection, dir: Direction, msg: string, cid: unknown, secrets: readonly string[]): void {
    let ring = this.#rings.get(account);
    if (!ring) {
      this.#rings.set(account, (ring = new LineRing(this.#maxLines(), MAX_BYTES)));
      this.#share();
    }
    const who = typeof cid === 'string' ? `${conn}:${cid}` : conn;
    ring.push(`${new Date().toISOString()} [${who}] ${dir.toUpperCase()}: ${redactLine(dir, msg, secrets)}`);
  }

  /** Each ring's part of the shard's budget, so many logged accounts cannot exhaust memory. */
  #share(): void {
    const each = Math.min(MAX_BYTES, Math.floor(SHARD_BYTES / Math.max(1, this.#rings.size)));
    for (const ring of this.#rings.values()) ring.maxBytes = each;
  }

  #maxLines(): number {
    return Math.min(MAX_LINES, Math.max(1, Math.floor(this.#logs.maxLogLines) || 1));
  }

  #apply(logs: LogSettings): void {
    this.#logs = logs;
    this.#named = new Set(logs.accounts);
    const max = this.#maxLines();
    for (const [account, ring] of this.#rings) {
      if (!this.logged(account)) this.#rings.delete(account);
      else if (ring.maxLines !== max) this.#rings.set(account, ring.resized(max));
    }
    this.#share();
  }
}
