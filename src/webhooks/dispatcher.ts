// Delivers the event log to the webhook URL: one lane per account with work, one request in
// flight per lane (in order per account), lanes in parallel up to a cap, a failing event
// retried until it leaves the retention window, then parked. A lane holds one event at most.
import { Backoff, type BackoffPolicy } from '../lib/backoff.js';
import type { StoredEvent } from '../events/types.js';
import type { Logger } from '../log.js';
import type { CursorStore } from '../store/cursors.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import type { EventLog } from '../store/events.js';
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
}

interface Lane {
  account: string;
  /** last event id handled (delivered, skipped by the filter, or parked) */
  cursor: number;
  /** the event being sent, waiting for a free slot, or waiting for its retry */
  current: StoredEvent | null;
  attempts: number;
  backoff: Backoff;
  timer: NodeJS.Timeout | null;
  sending: boolean;
  queued: boolean;
}

const SCAN_BATCH = 1000;
/** filtered-out events one lane skips before it yields the thread */
const SKIP_BATCH = 1000;

export class Dispatcher {
  readonly counters = { delivered: 0, failed: 0, parked: 0 };
  readonly #deps: DispatcherDeps;
  readonly #lanes = new Map<string, Lane>();
  /** lanes with an event ready while every slot is taken, in arrival order */
  readonly #waiting = new Set<Lane>();
  #target: Target | null = null;
  #from = 0;
  /** the log was looked at up to here for accounts with work */
  #scanned = 0;
  #scanning = false;
  #rescan = false;
  #sending = 0;
  #closing = false;
  /** the receiver is refusing: logged once when it starts and once when it stops */
  #failing = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  get pendingAccounts(): number {
    return this.#lanes.size;
  }

  get inFlight(): number {
    return this.#sending;
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
    for (const lane of this.#lanes.values()) {
      if (!lane.timer) continue;
      clearTimeout(lane.timer);
      lane.timer = null;
      lane.backoff.reset();
      this.#pump(lane);
    }
  }

  /** Delivery off: forget every lane; requests in flight finish but move no cursor. */
  stop(): void {
    this.#target = null;
    for (const lane of this.#lanes.values()) if (lane.timer) clearTimeout(lane.timer);
    this.#lanes.clear();
    this.#waiting.clear();
  }

  /** Shutting down: start nothing new; requests in flight get `ms` to finish and move their cursors. */
  async close(ms: number): Promise<void> {
    this.#closing = true;
    for (const lane of this.#lanes.values()) if (lane.timer) clearTimeout(lane.timer);
    await settleWithin(Promise.allSettled([...this.#inFlight]), ms);
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
      const lane: Lane = {
        account: e.account, cursor: this.#cursorOf(e.account), current: null, attempts: 0,
        backoff: new Backoff(this.#deps.backoff), timer: null, sending: false, queued: false,
      };
      this.#lanes.set(e.account, lane);
      this.#pump(lane);
    }
    if (batch.length) this.#scanned = batch[batch.length - 1]!.id;
    if (batch.length === SCAN_BATCH || this.#rescan) setImmediate(() => this.#scan());
    else this.#scanning = false;
  }

  #cursorOf(account: string): number {
    return Math.max(this.#deps.cursors.get(account), this.#from);
  }

  /** Move the lane on to its next wanted event and send it, or close the lane when none. */
  #pump(lane: Lane): void {
    const target = this.#target;
    if (!target || this.#closing || lane.sending || lane.timer || lane.queued || this.#lanes.get(lane.account) !== lane) return;
    const start = lane.cursor;
    const save = () => { if (lane.cursor !== start) this.#deps.cursors.set(lane.account, lane.cursor); };
    for (let i = 0; i < SKIP_BATCH; i++) {
      const e = lane.current ?? this.#deps.events.readAccount(lane.account, lane.cursor, 1)[0];
      if (!e) {
        save();
        this.#lanes.delete(lane.account);
        return;
      }
      if (!wanted(target, e.event)) {
        lane.current = null;
        lane.cursor = e.id;
        continue;
      }
      lane.current = e;
      save();
      if (this.#sending >= this.#deps.concurrency) {
        lane.queued = true;
        this.#waiting.add(lane);
      } else {
        this.#send(lane, e, target);
      }
      return;
    }
    save();
    lane.timer = setTimeout(() => { lane.timer = null; this.#pump(lane); }, 0);
  }

  #send(lane: Lane, e: StoredEvent, target: Target): void {
    lane.sending = true;
    lane.attempts++;
    this.#sending++;
    const flight: Promise<void> = this.#deps.sender.post(target.url, target.secret, envelopeOf(e))
      .then((res) => this.#done(lane, e, res))
      .finally(() => this.#inFlight.delete(flight));
    this.#inFlight.add(flight);
  }

  #done(lane: Lane, e: StoredEvent, res: Attempt): void {
    lane.sending = false;
    this.#sending--;
    if (res.ok) this.counters.delivered++;
    else this.counters.failed++;
    this.#health(res);
    const live = this.#target !== null && this.#lanes.get(lane.account) === lane;
    if (live && res.ok) this.#advance(lane, e);
    // a request cut off by shutdown is neither retried nor parked: the cursor stays before it
    else if (live && !this.#closing) this.#retryOrPark(lane, e, res);
    // the freed slot goes to the lane that has waited longest, before this one asks again
    while (this.#sending < this.#deps.concurrency && this.#waiting.size) {
      const next = this.#waiting.values().next().value!;
      this.#waiting.delete(next);
      next.queued = false;
      this.#pump(next);
    }
    if (live) this.#pump(lane);
  }

  // one line per change of state, not per event: a dead receiver must not flood the log
  #health(res: Attempt): void {
    if (res.ok === !this.#failing) return;
    this.#failing = !res.ok;
    if (res.ok) this.#deps.log.info('webhook receiver accepts events again');
    else this.#deps.log.warn({ status: res.status, error: res.error }, 'webhook receiver refuses events; retrying until the retention window ends, then parking them');
  }

  #advance(lane: Lane, e: StoredEvent): void {
    lane.current = null;
    lane.attempts = 0;
    lane.backoff.reset();
    lane.cursor = e.id;
    this.#deps.cursors.set(lane.account, e.id);
  }

  #retryOrPark(lane: Lane, e: StoredEvent, res: Attempt): void {
    const now = Date.now();
    const giveUp = giveUpAt(e, this.#deps.retention);
    if (now < giveUp) {
      lane.timer = setTimeout(() => { lane.timer = null; this.#pump(lane); }, retryDelay(lane.backoff.next(), now, giveUp));
      return;
    }
    void this.#park(e, res.status, res.error ?? 'failed', lane.attempts);
    this.#advance(lane, e);
  }

  #park(e: StoredEvent, status: number | null, reason: string, attempts: number): Promise<unknown> {
    this.counters.parked++;
    this.#deps.log.debug({ account: e.account, id: e.id, attempts, reason }, 'webhook event parked as a dead letter');
    return this.#deps.dead.put({ event: e, status, reason, attempts, parkedAt: new Date().toISOString() });
  }

  /** The oldest event a lane holds: retention must not delete it from under the lane. */
  oldestHeld(): StoredEvent | null {
    let oldest: StoredEvent | null = null;
    for (const lane of this.#lanes.values()) {
      if (lane.current && (!oldest || lane.current.id < oldest.id)) oldest = lane.current;
    }
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
    let after = this.#from;
    for (let batch = this.#deps.events.read(after, SCAN_BATCH); batch.length; batch = this.#deps.events.read(after, SCAN_BATCH)) {
      for (const e of batch) {
        if (e.date >= cutoff) return Promise.all(puts).then(() => puts.length);
        const lane = this.#lanes.get(e.account);
        const cursor = lane ? lane.cursor : this.#cursorOf(e.account);
        if (e.id <= cursor || e.id === lane?.current?.id || !wanted(target, e.event)) continue;
        puts.push(this.#park(e, null, 'not delivered within the retention window', 0));
        if (lane) lane.cursor = e.id;
        this.#deps.cursors.set(e.account, e.id);
      }
      after = batch[batch.length - 1]!.id;
    }
    await Promise.all(puts);
    return puts.length;
  }
}
