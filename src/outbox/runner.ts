// Sends a shard's outbox on the shared retry engine: one lane per account (one SMTP session at
// a time per account), the earliest due submission first, so a message waiting for its retry
// never holds up the others. Every try's end is committed with its event in one transaction.
import { randomBytes } from 'node:crypto';
import { backoffDelay, type BackoffPolicy } from '../lib/backoff.js';
import { Lanes, type Next, type Pick } from '../lib/lanes.js';
import type { NewEvent } from '../events/types.js';
import type { Logger } from '../log.js';
import type { Refused, SmtpOutcome } from '../smtp/send.js';
import type { SecretBox } from '../store/crypto.js';
import { openMeta, sealMeta, type OutboxMeta, type OutboxRecord, type OutboxStore } from '../store/outbox.js';
import { newEvent, type EventData } from '../schemas/event-data.js';

type SendingEvent = 'messageSent' | 'messageDeliveryError' | 'messageFailed';

export interface OutboxPolicy {
  /** transient failures are retried this long after the submission was due, ms */
  retryWindow: number;
  backoff: BackoffPolicy;
  /** SMTP sessions at once in this shard */
  concurrency: number;
}

export interface OutboxDeps {
  store: OutboxStore;
  secrets: SecretBox;
  log: Logger;
  policy: OutboxPolicy;
  /** one write transaction with the events it causes */
  commit(fn: () => NewEvent[]): Promise<void>;
  /** hand `raw` to the account's SMTP server */
  send(account: string, envelope: OutboxMeta['envelope'], raw: Uint8Array): Promise<SmtpOutcome>;
  /** after a delivery: the Sent copy and the flag on the original (best effort) */
  delivered(record: OutboxRecord, meta: OutboxMeta, raw: Uint8Array): void;
}

export type CancelResult = 'cancelled' | 'sending' | 'missing';

/** A try's end: what the SMTP server said, or that the submission was gone before it started. */
type Tried = SmtpOutcome | { gone: true };

/** Sortable by creation (hex ms) and unguessable (random tail). */
export function newQueueId(now = Date.now()): string {
  return now.toString(16).padStart(12, '0') + randomBytes(6).toString('hex');
}

export class OutboxRunner {
  readonly #deps: OutboxDeps;
  readonly #lanes: Lanes<OutboxRecord, Tried>;
  /** submissions being sent, or whose change is being committed: never picked meanwhile */
  readonly #busy = new Set<string>();
  /** commits of finished tries still running (a shutdown waits for them) */
  readonly #recording = new Set<Promise<void>>();

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
    this.#lanes = new Lanes<OutboxRecord, Tried>({
      pick: (account) => this.#pick(account),
      run: (account, r) => this.#run(account, r),
      settle: (_account, r, outcome) => this.#settle(r, outcome),
    }, deps.policy.concurrency);
  }

  /** Account `account` may have due submissions. */
  wake(account: string): void {
    this.#lanes.wake(account);
  }

  /** Whether `queueId` is being handed to SMTP right now. */
  isSending(queueId: string): boolean {
    return this.#busy.has(queueId);
  }

  /** Remove a submission not yet handed to SMTP. */
  async cancel(queueId: string): Promise<CancelResult> {
    if (this.#busy.has(queueId)) return 'sending';
    const r = this.#deps.store.get(queueId);
    if (!r) return 'missing';
    this.#busy.add(queueId);
    try {
      await this.#deps.commit(() => { this.#deps.store.removeSync(r); return []; });
    } finally {
      this.#busy.delete(queueId);
      this.wake(r.account);
    }
    return 'cancelled';
  }

  /** Start no new try; resolves when the tries in flight are over and their ends recorded. */
  async close(): Promise<void> {
    await this.#lanes.close();
    await Promise.allSettled([...this.#recording]);
  }

  #pick(account: string): Pick<OutboxRecord> {
    const now = Date.now();
    let due: OutboxRecord | null = null;
    let wakeAt = Infinity;
    for (const r of this.#deps.store.ofAccount(account)) {
      if (this.#busy.has(r.queueId)) continue;
      if (r.nextAttempt <= now) { if (!due || r.nextAttempt < due.nextAttempt) due = r; } else wakeAt = Math.min(wakeAt, r.nextAttempt);
    }
    if (due) return { item: due };
    return wakeAt === Infinity ? null : { wakeAt };
  }

  #meta(r: OutboxRecord): OutboxMeta {
    return openMeta(this.#deps.secrets, r);
  }

  async #run(account: string, r: OutboxRecord): Promise<Tried> {
    this.#busy.add(r.queueId);
    try {
      const { store, commit } = this.#deps;
      // found in "sending": the process stopped during a try that may have been delivered
      const sending: OutboxRecord = { ...r, state: 'sending', ...(r.state === 'sending' ? { unconfirmed: true as const } : {}) };
      let gone = false;
      // the lane may have held this record while a slot was busy: cancelled or removed meanwhile, it stays so
      await commit(() => { if (store.get(r.queueId)) store.putSync(sending); else gone = true; return []; });
      if (gone) return { gone: true };
      if (sending.unconfirmed) r.unconfirmed = true;
      const sealed = store.sealedRaw(r.queueId);
      if (!sealed) return { ok: false, permanent: true, error: 'the stored message is missing', unconfirmed: false };
      return await this.#deps.send(account, this.#meta(r).envelope, this.#deps.secrets.openBytes(sealed));
    } catch (err) {
      return { ok: false, permanent: /decrypt|authenticate data/i.test((err as Error).message), error: `could not send: ${(err as Error).message}`, unconfirmed: false };
    }
  }

  #settle(r: OutboxRecord, outcome: Tried): Next {
    const recording: Promise<void> = ('gone' in outcome ? Promise.resolve() : this.#record(r, outcome))
      .catch((err: unknown) => this.#deps.log.error({ err, queueId: r.queueId }, 'could not record a submission outcome'))
      .finally(() => {
        this.#recording.delete(recording);
        this.#busy.delete(r.queueId);
        this.wake(r.account);
      });
    this.#recording.add(recording);
    return 'pick';
  }

  #ev<K extends SendingEvent>(r: OutboxRecord, event: K, data: Omit<EventData<K>, 'queueId' | 'messageId'>): NewEvent {
    return newEvent(r.account, null, event, { queueId: r.queueId, messageId: r.messageId, ...data } as EventData<K>);
  }

  async #record(r: OutboxRecord, outcome: SmtpOutcome): Promise<void> {
    const { store, commit } = this.#deps;
    if (outcome.ok) {
      const meta = this.#meta(r);
      const raw = this.#deps.secrets.openBytes(store.sealedRaw(r.queueId) ?? new Uint8Array(0));
      const sent = this.#ev(r, 'messageSent', {
        response: outcome.response,
        ...(outcome.refused.length ? { refused: outcome.refused } : {}),
        ...(r.unconfirmed ? { possibleDuplicate: true } : {}),
      });
      const retry = this.#retryRefused(r, meta, outcome.refused);
      await commit(() => {
        if (retry) store.putSync(retry.record, store.sealedRaw(r.queueId));
        store.removeSync(r);
        return retry ? [sent, ...retry.events] : [sent];
      });
      if (!r.partial) this.#deps.delivered(r, meta, raw);
      return;
    }
    const attempts = r.attempts + 1;
    const nextAttempt = Date.now() + backoffDelay(this.#deps.policy.backoff, r.attempts);
    const giveUp = outcome.permanent || nextAttempt > this.#windowEnd(r);
    const unconfirmed = outcome.unconfirmed || r.unconfirmed === true;
    const failure = { error: outcome.error, ...(outcome.responseCode ? { responseCode: outcome.responseCode } : {}) };
    const tried = this.#ev(r, 'messageDeliveryError', { ...failure, attempt: attempts, ...(giveUp ? {} : { nextAttempt: new Date(nextAttempt).toISOString() }), ...(unconfirmed ? { unconfirmed: true } : {}) });
    if (giveUp) {
      await commit(() => { store.removeSync(r); return [tried, this.#ev(r, 'messageFailed', { ...failure, attempts })]; });
      return;
    }
    const resealed = sealMeta(this.#deps.secrets, { ...this.#meta(r), lastResponse: outcome.error });
    const next: OutboxRecord = { ...r, state: 'retrying', attempts, nextAttempt, meta: resealed, ...(unconfirmed ? { unconfirmed: true as const } : {}) };
    // removed meanwhile (its account was deleted): it stays removed
    await commit(() => { if (store.get(r.queueId)) store.putSync(next); return [tried]; });
  }

  /** Retries run until this long after the submission was due (its sendAt, else its creation). */
  #windowEnd(r: OutboxRecord): number {
    return (r.sendAt ?? r.created) + this.#deps.policy.retryWindow;
  }

  /**
   * Recipients refused for now (4xx) while the others took the message: a new submission of the
   * same bytes (same Message-ID) for them alone, retried like any other.
   */
  #retryRefused(r: OutboxRecord, meta: OutboxMeta, refused: Refused[]): { record: OutboxRecord; events: NewEvent[] } | null {
    const later = refused.filter((x) => x.responseCode !== undefined && x.responseCode >= 400 && x.responseCode < 500);
    const nextAttempt = Date.now() + backoffDelay(this.#deps.policy.backoff, r.attempts);
    if (!later.length || nextAttempt > this.#windowEnd(r)) return null;
    const envelope = { from: meta.envelope.from, to: later.map((x) => x.recipient) };
    const sealedMeta = sealMeta(this.#deps.secrets, { ...meta, envelope, lastResponse: later[0]!.error });
    const record: OutboxRecord = {
      ...r, queueId: newQueueId(), state: 'retrying', attempts: r.attempts + 1, nextAttempt, meta: sealedMeta, partial: true,
    };
    const events = [this.#ev(record, 'messageDeliveryError', { error: later[0]!.error, ...(later[0]!.responseCode ? { responseCode: later[0]!.responseCode } : {}), recipients: envelope.to, attempt: record.attempts, nextAttempt: new Date(nextAttempt).toISOString(), retryOf: r.queueId })];
    return { record, events };
  }
}
