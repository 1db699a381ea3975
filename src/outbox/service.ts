// A shard's outbox: takes composed submissions (sealed into LMDB before the caller hears back,
// an Idempotency-Key answered from its first answer), shows and cancels them, and runs the
// sender for the accounts this shard owns.
import { ApiError } from '../errors.js';
import type { Submission } from '../protocol/ops.js';
import type { OutboxEntry, SubmitResult } from '../schemas/submit.js';
import type { IdempotencyStore } from '../store/idempotency.js';
import { openMeta, sealMeta, type OutboxMeta, type OutboxRecord } from '../store/outbox.js';
import { newQueueId, OutboxRunner, type OutboxDeps } from './runner.js';

export interface OutboxServiceDeps extends OutboxDeps {
  idempotency: IdempotencyStore;
  /** whether this shard owns `account` */
  owns(account: string): boolean;
}

export class OutboxService {
  readonly #deps: OutboxServiceDeps;
  readonly #runner: OutboxRunner;
  #pruner: NodeJS.Timeout | null = null;

  constructor(deps: OutboxServiceDeps) {
    this.#deps = deps;
    this.#runner = new OutboxRunner(deps);
  }

  /** Start sending what this shard's accounts left queued. */
  boot(): number {
    const accounts = this.#deps.store.accounts().filter((a) => this.#deps.owns(a));
    for (const a of accounts) this.#runner.wake(a);
    this.#pruner = setInterval(() => void this.#deps.idempotency.prune(this.#deps.owns).catch(() => undefined), 3600_000);
    this.#pruner.unref();
    return accounts.length;
  }

  async close(): Promise<void> {
    if (this.#pruner) clearInterval(this.#pruner);
    await this.#runner.close();
  }

  /** Store `s`; past `deadline` (the caller has given up) the transaction is dropped, not committed. */
  async enqueue(account: string, s: Submission, deadline = Infinity): Promise<SubmitResult> {
    const { store, idempotency, secrets, commit } = this.#deps;
    if (s.idempotencyKey) {
      const first = idempotency.get(account, s.idempotencyKey);
      if (first) return first as SubmitResult;
    }
    const now = Date.now();
    const meta: OutboxMeta = { subject: s.subject, envelope: s.envelope, ...(s.reference ? { reference: s.reference } : {}) };
    const record: OutboxRecord = {
      queueId: newQueueId(now), account, messageId: s.messageId, state: 'queued', attempts: 0,
      nextAttempt: s.sendAt ?? now, created: now, ...(s.sendAt ? { sendAt: s.sendAt } : {}),
      meta: sealMeta(secrets, meta),
    };
    const sealedRaw = secrets.sealBytes(s.raw);
    const answer: SubmitResult = { response: 'Queued for delivery', messageId: s.messageId, queueId: record.queueId, ...(s.sendAt ? { sendAt: new Date(s.sendAt).toISOString() } : {}) };
    let repeated: SubmitResult | undefined;
    await commit(() => {
      // a 504 must mean "not queued": throwing here aborts the transaction
      if (Date.now() > deadline) throw new ApiError('DeadlineExceeded', 'The submission was not queued: the request ran out of time');
      // checked again inside the transaction: two requests with one key may race to here
      repeated = s.idempotencyKey ? idempotency.get(account, s.idempotencyKey) as SubmitResult | undefined : undefined;
      if (repeated) return [];
      store.putSync(record, sealedRaw);
      if (s.idempotencyKey) idempotency.putSync(account, s.idempotencyKey, answer);
      return [];
    });
    if (repeated) return repeated;
    this.#runner.wake(account);
    return answer;
  }

  list(account?: string): OutboxEntry[] {
    const { store, owns } = this.#deps;
    const accounts = account !== undefined ? (owns(account) ? [account] : []) : store.accounts().filter(owns);
    return accounts.flatMap((a) => store.ofAccount(a).map((r) => this.#view(r)));
  }

  get(queueId: string): OutboxEntry | null {
    const r = this.#deps.store.get(queueId);
    return r && this.#deps.owns(r.account) ? this.#view(r) : null;
  }

  async cancel(queueId: string): Promise<{ found: boolean }> {
    const r = this.#deps.store.get(queueId);
    if (!r || !this.#deps.owns(r.account)) return { found: false };
    const result = await this.#runner.cancel(queueId);
    if (result === 'sending') throw new ApiError('Conflict', 'The message is being handed to the SMTP server; it can no longer be cancelled', { queueId });
    return { found: result === 'cancelled' };
  }

  #view(r: OutboxRecord): OutboxEntry {
    let meta: OutboxMeta;
    try {
      meta = openMeta(this.#deps.secrets, r);
    } catch {
      // sealed with another key (the data dir moved without its secret): listed, not readable
      meta = { subject: '', envelope: { from: '', to: [] } };
    }
    const sending = r.state === 'sending' && this.#runner.isSending(r.queueId);
    const state = sending ? 'sending' : r.attempts > 0 ? 'retrying' : r.sendAt && r.sendAt > Date.now() ? 'scheduled' : 'queued';
    const entry: OutboxEntry = {
      queueId: r.queueId, account: r.account, messageId: r.messageId, subject: meta.subject, recipients: meta.envelope.to,
      state, attempts: r.attempts, nextAttempt: new Date(r.nextAttempt).toISOString(), created: new Date(r.created).toISOString(),
    };
    if (r.sendAt) entry.sendAt = new Date(r.sendAt).toISOString();
    if (meta.lastResponse) entry.lastResponse = meta.lastResponse;
    if (r.unconfirmed) entry.possibleDuplicate = true;
    return entry;
  }
}
