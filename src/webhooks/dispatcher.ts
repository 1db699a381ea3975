// Delivers the event log to the webhook URL on the shared retry engine (src/lib/lanes.ts): one
// lane per account with work, holding a failing event (so delivery stays in order per account)
// until it is delivered or leaves the retention window, then parked.
import { Backoff, type BackoffPolicy } from '../lib/backoff.js';
import { Lanes, type Next, type Pick } from '../lib/lanes.js';
import type { StoredEvent } from '../events/types.js';
import type { Logger } from '../log.js';
import type { CursorStore } from '../store/cursors.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import type { EventLog } from '../store/events.js';
import type { NotifyOptions } from '../protocol/ops.js';
import { envelopeOf, giveUpAt, retryDelay, wanted, type Target } from './policy.js';
import type { Attempt, Sender } from './sender.js';
import { settleWithin } from '../lib/settle.js';

export interface DispatcherDeps {
  events: EventLog;
  cursors: CursorStore;
  dead: DeadLetterStore;
  sender: Sender;
  log: Logger;
  /** how long an event is kept and retried, ms */
  retention: number;
  /** requests in flight at once, over all accounts */
  concurrency: number;
  backoff: BackoffPolicy;
  /**
   * A messageNew with its text and headers (notify settings), fetched from the account now;
   * throws when they cannot be had now (the delivery is then retried like a failed one).
   */
  content?: (e: StoredEvent, options: NotifyOptions) => Promise<StoredEvent>;
}

const SCAN_BATCH = 1000;
/**
 * How long a messageNew may wait for its content (account disconnected, disabled, password
 * refused): after that it goes out saying why it has none, so the events behind it (the
 * account's authenticationError among them) are not held for the whole retention window.
 */
export const CONTENT_WAIT = 10 * 60_000;
/** filtered-out events one lane skips before it yields the thread */
const SKIP_BATCH = 1000;
/** events a delivering lane reads from the log at once (one range read instead of one per event);
 *  a lane's first read takes one, so a backlog over many accounts waiting for a slot stays small */
const READ_AHEAD = 32;

export class Dispatcher {
  readonly counters = { delivered: 0, failed: 0, parked: 0 };
  readonly #deps: DispatcherDeps;
  readonly #lanes: Lanes<StoredEvent, Attempt>;
  /** per open lane: the last event id handled (delivered, skipped by the filter, or parked) */
  readonly #cursor = new Map<string, number>();
  /** per open lane: the backoff of the event it holds */
  readonly #backoff = new Map<string, Backoff>();
  /** per open lane: its next events as read from the log, oldest first */
  readonly #ahead = new Map<string, StoredEvent[]>();
  #target: Target | null = null;
  #from = 0;
  /** the log was looked at up to here for accounts with work */
  #scanned = 0;
  #scanning = false;
  #rescan = false;
  #closing = false;
  /** the receiver is refusing: logged once when it starts and once when it stops */
  #failing = false;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    this.#lanes = new Lanes<StoredEvent, Attempt>({
      pick: (account) => this.#pick(account),
      run: (_account, e) => this.#send(e),
      settle: (account, e, res, attempt) => this.#settle(account, e, res, attempt),
    }, deps.concurrency);
  }

  get pendingAccounts(): number {
    return this.#lanes.open;
  }

  get inFlight(): number {
    return this.#lanes.inFlight;
  }

  /** Deliver what follows event `from` (and is not yet delivered) to `target`. */
  start(target: Target, from: number): void {
    this.stop();
    this.#target = target;
    this.#from = from;
    this.#scanned = from;
    this.wake();
  }

  /** New URL, secret or filter while delivery is on: failing events are tried again now. */
  retarget(target: Target): void {
    this.#target = target;
    for (const b of this.#backoff.values()) b.reset();
    this.#lanes.retryNow();
  }

  /** Delivery off: forget every lane; requests in flight finish but move no cursor. */
  stop(): void {
    this.#target = null;
    this.#lanes.clear();
    this.#cursor.clear();
    this.#backoff.clear();
    this.#ahead.clear();
  }

  /** Shutting down: start nothing new; requests in flight get `ms` to finish and move their cursors. */
  async close(ms: number): Promise<void> {
    this.#closing = true;
    await settleWithin(this.#lanes.close(), ms);
  }

  /** New events may be in the log: look for accounts that have work. */
  wake(): void {
    if (!this.#target || this.#closing) return;
    if (this.#scanning) { this.#rescan = true; return; }
    this.#scanning = true;
    setImmediate(() => this.#scan());
  }

  #scan(): void {
    this.#rescan = false;
    // other threads committed since this thread's read snapshot was taken
    this.#deps.events.refresh();
    const batch = this.#target ? this.#deps.events.read(this.#scanned, SCAN_BATCH) : [];
    for (const e of batch) {
      if (this.#lanes.has(e.account) || e.id <= this.#cursorOf(e.account)) continue;
      this.#lanes.wake(e.account);
    }
    if (batch.length) this.#scanned = batch[batch.length - 1]!.id;
    if (batch.length === SCAN_BATCH || this.#rescan) setImmediate(() => this.#scan());
    else this.#scanning = false;
  }

  /** Where delivery of `account` stands: its open lane's position, else the stored cursor. */
  #cursorOf(account: string): number {
    return this.#cursor.get(account) ?? Math.max(this.#deps.cursors.get(account), this.#from);
  }

  #moveCursor(account: string, id: number): void {
    this.#cursor.set(account, id);
    this.#deps.cursors.set(account, id);
  }

  /** The lane's next wanted event, skipping filtered ones (a bounded run, then it yields). */
  #pick(account: string): Pick<StoredEvent> {
    const target = this.#target;
    if (!target) return null;
    const start = this.#cursorOf(account);
    let cursor = start;
    const save = () => { if (cursor !== start) this.#moveCursor(account, cursor); };
    for (let i = 0; i < SKIP_BATCH; i++) {
      const e = this.#next(account, cursor);
      if (!e) {
        save();
        this.#cursor.delete(account);
        this.#backoff.delete(account);
        this.#ahead.delete(account);
        return null;
      }
      if (wanted(target, e.event)) {
        save();
        this.#cursor.set(account, cursor);
        return { item: e };
      }
      cursor = e.id;
    }
    save();
    return { wakeAt: Date.now() };
  }

  /** The account's first event after `after`, from what the lane read ahead or from the log. */
  #next(account: string, after: number): StoredEvent | undefined {
    let ahead = this.#ahead.get(account);
    // expire() may have moved the cursor past events read ahead
    while (ahead?.length && ahead[0]!.id <= after) ahead.shift();
    if (!ahead?.length) {
      ahead = this.#deps.events.readAccount(account, after, this.#ahead.has(account) ? READ_AHEAD : 1);
      this.#ahead.set(account, ahead);
    }
    return ahead.shift();
  }

  async #send(e: StoredEvent): Promise<Attempt> {
    const target = this.#target;
    if (!target) return { ok: false, status: null, error: 'delivery stopped', durationMs: 0 };
    let event = e;
    if (target.content && e.event === 'messageNew' && this.#deps.content) {
      // not the receiver's fault: no counter, no health line, but retried in order all the same
      try { event = await this.#deps.content(e, target.content); } catch (err) {
        const why = (err as Error).message;
        if (Date.now() - Date.parse(e.date) < CONTENT_WAIT) return { ok: false, status: null, error: `message content not available now: ${why}`, durationMs: 0 };
        event = { ...e, data: { ...e.data, contentUnavailable: `content could not be fetched within ${CONTENT_WAIT / 60_000} minutes (${why})` } };
      }
    }
    const res = await this.#deps.sender.post(target.url, target.secret, envelopeOf(event));
    if (res.ok) this.counters.delivered++;
    else this.counters.failed++;
    this.#health(res);
    return res;
  }

  #settle(account: string, e: StoredEvent, res: Attempt, attempts: number): Next {
    if (res.ok) {
      this.#backoff.get(account)?.reset();
      this.#moveCursor(account, e.id);
      return 'pick';
    }
    const now = Date.now();
    // a request cut off by shutdown is neither retried now nor parked: the cursor stays before it
    if (this.#closing) return { retryAt: now };
    const giveUp = giveUpAt(e, this.#deps.retention);
    if (now < giveUp) {
      // a lane waiting on a retry holds its one event, not the ones read after it
      this.#ahead.delete(account);
      let backoff = this.#backoff.get(account);
      if (!backoff) this.#backoff.set(account, (backoff = new Backoff(this.#deps.backoff)));
      return { retryAt: now + retryDelay(backoff.next(), now, giveUp) };
    }
    void this.#park(e, res.status, res.error ?? 'failed', attempts);
    this.#backoff.get(account)?.reset();
    this.#moveCursor(account, e.id);
    return 'pick';
  }

  // one line per change of state, not per event: a dead receiver must not flood the log
  #health(res: Attempt): void {
    if (res.ok === !this.#failing) return;
    this.#failing = !res.ok;
    if (res.ok) this.#deps.log.info('webhook receiver accepts events again');
    else this.#deps.log.warn({ status: res.status, error: res.error }, 'webhook receiver refuses events; retrying until the retention window ends, then parking them');
  }

  #park(e: StoredEvent, status: number | null, reason: string, attempts: number): Promise<unknown> {
    this.counters.parked++;
    this.#deps.log.debug({ account: e.account, id: e.id, attempts, reason }, 'webhook event parked as a dead letter');
    return this.#deps.dead.put({ event: e, status, reason, attempts, parkedAt: new Date().toISOString() });
  }

  /** The oldest event a lane holds: retention must not delete it from under the lane. */
  oldestHeld(): StoredEvent | null {
    let oldest: StoredEvent | null = null;
    for (const e of this.#lanes.held()) if (!oldest || e.id < oldest.id) oldest = e;
    return oldest;
  }

  /**
   * Park every event dated before `cutoff` that delivery still owes and no lane holds (its
   * account was never reached, e.g. after downtime longer than the retention window).
   */
  async expire(cutoff: string): Promise<number> {
    const target = this.#target;
    if (!target) return 0;
    const puts: Promise<unknown>[] = [];
    const held = new Set([...this.#lanes.held()].map((e) => e.id));
    let after = this.#from;
    for (let batch = this.#deps.events.read(after, SCAN_BATCH); batch.length; batch = this.#deps.events.read(after, SCAN_BATCH)) {
      for (const e of batch) {
        if (e.date >= cutoff) return Promise.all(puts).then(() => puts.length);
        if (e.id <= this.#cursorOf(e.account) || held.has(e.id) || !wanted(target, e.event)) continue;
        puts.push(this.#park(e, null, 'not delivered within the retention window', 0));
        if (this.#lanes.has(e.account)) this.#cursor.set(e.account, e.id);
        this.#deps.cursors.set(e.account, e.id);
      }
      after = batch[batch.length - 1]!.id;
    }
    await Promise.all(puts);
    return puts.length;
  }
}
