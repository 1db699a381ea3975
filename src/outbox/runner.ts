// Sends a shard's outbox on the shared retry engine: one lane per account (one SMTP session at
// a time per account), the earliest due submission first, so a message waiting for its retry
// never holds up the others. Every try's end is committed with its event in one transaction.
import { backoffDelay, type BackoffPolicy } from '../lib/backoff.js';
import { Lanes, type Next, type Pick } from '../lib/lanes.js';
import type { NewEvent } from '../events/types.js';
import type { Logger } from '../log.js';
import type { SmtpOutcome } from '../smtp/send.js';
import type { SecretBox } from '../store/crypto.js';
import type { OutboxMeta, OutboxRecord, OutboxStore } from '../store/outbox.js';

export interface OutboxPolicy {
  /** transient failures are retried this long after the submission, ms */
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

export class OutboxRunner {
  readonly #deps: OutboxDeps;
  readonly #lanes: Lanes<OutboxRecord, SmtpOutcome>;
  /** submissions being sent, or whose change is being committed: never picked meanwhile */
  readonly #busy = new Set<string>();

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
    this.#lanes = new Lanes({
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
    }
    return 'cancelled';
  }

  /** Start no new try; resolves when the tries in flight are over. */
  close(): Promise<void> {
    return this.#lanes.close();
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

  #open(r: OutboxRecord): { meta: OutboxMeta; raw: Uint8Array } {
    return { meta: JSON.parse(this.#deps.secrets.openBytes(r.meta).toString('utf8')) as OutboxMeta, raw: this.#deps.secrets.openBytes(r.raw) };
  }

  async #run(account: string, r: OutboxRecord): Promise<SmtpOutcome> {
    this.#busy.add(r.queueId);
    try {
      const { meta, raw } = this.#open(r);
      // found in "sending": the process stopped during a try that may have been delivered
      const sending: OutboxRecord = { ...r, state: 'sending', ...(r.state === 'sending' ? { unconfirmed: true as const } : {}) };
      await this.#deps.commit(() => { this.#deps.store.putSync(sending); return []; });
      if (sending.unconfirmed) r.unconfirmed = true;
      return await this.#deps.send(account, meta.envelope, raw);
    } catch (err) {
      return { ok: false, permanent: /decrypt|authenticate data/i.test((err as Error).message), error: `could not send: ${(err as Error).message}`, unconfirmed: false };
    }
  }

  #settle(r: OutboxRecord, outcome: SmtpOutcome): Next {
    void this.#record(r, outcome)
      .catch((err: unknown) => this.#deps.log.error({ err, queueId: r.queueId }, 'could not record a submission outcome'))
      .finally(() => {
        this.#busy.delete(r.queueId);
        this.wake(r.account);
      });
    return 'pick';
  }

  async #record(r: OutboxRecord, outcome: SmtpOutcome): Promise<void> {
    const { store, commit, policy } = this.#deps;
    const ids = { queueId: r.queueId, messageId: r.messageId };
    const ev = (event: NewEvent['event'], data: Record<string, unknown>): NewEvent => ({ account: r.account, path: null, event, data: { ...ids, ...data } });
    if (outcome.ok) {
      await commit(() => { store.removeSync(r); return [ev('messageSent', { response: outcome.response, ...(r.unconfirmed ? { possibleDuplicate: true } : {}) })]; });
      const { meta, raw } = this.#open(r);
      this.#deps.delivered(r, meta, raw);
      return;
    }
    const attempts = r.attempts + 1;
    const nextAttempt = Date.now() + backoffDelay(policy.backoff, r.attempts);
    const giveUp = outcome.permanent || nextAttempt > r.created + policy.retryWindow;
    const unconfirmed = outcome.unconfirmed || r.unconfirmed === true;
    const failure = { error: outcome.error, ...(outcome.responseCode ? { responseCode: outcome.responseCode } : {}), attempt: attempts };
    const tried = ev('messageDeliveryError', { ...failure, ...(giveUp ? {} : { nextAttempt: new Date(nextAttempt).toISOString() }), ...(unconfirmed ? { unconfirmed: true } : {}) });
    if (giveUp) {
      await commit(() => { store.removeSync(r); return [tried, ev('messageFailed', { error: outcome.error, ...(outcome.responseCode ? { responseCode: outcome.responseCode } : {}), attempts })]; });
      return;
    }
    const { meta } = this.#open(r);
    const resealed = this.#deps.secrets.sealBytes(Buffer.from(JSON.stringify({ ...meta, lastResponse: outcome.error })));
    const next: OutboxRecord = { ...r, state: 'retrying', attempts, nextAttempt, meta: resealed, ...(unconfirmed ? { unconfirmed: true as const } : {}) };
    await commit(() => { store.putSync(next); return [tried]; });
  }
}
