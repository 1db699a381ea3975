// The outbox: submissions accepted but not yet sent. Everything of a message (its bytes, subject,
// recipients, the server's last words) is sealed with the store key; only ids, state and times
// are readable. A record is deleted in the transaction that records its end (sent or failed).
import type { Database, RootDatabase } from 'lmdb';
import type { SecretBox } from './crypto.js';

export type OutboxState = 'queued' | 'sending' | 'retrying';

/** What the API shows of a submission, sealed at rest. */
export interface OutboxMeta {
  subject: string;
  envelope: { from: string; to: string[] };
  /** the message replied to or forwarded, flagged once this one is sent */
  reference?: { path: string; uid: number; action: 'reply' | 'replyAll' | 'forward' };
  /** the server's words on the last failed try */
  lastResponse?: string;
}

export interface OutboxRecord {
  queueId: string;
  account: string;
  messageId: string;
  state: OutboxState;
  attempts: number;
  /** ms epoch: not before (sendAt, or the next retry) */
  nextAttempt: number;
  created: number;
  sendAt?: number;
  /** an earlier try may have been delivered: the connection broke after the whole message was sent */
  unconfirmed?: true;
  /** a retry for recipients refused for now: the first delivery already did the Sent copy and flags */
  partial?: true;
  /** SecretBox.sealBytes of JSON OutboxMeta */
  meta: Uint8Array;
}

/** OutboxRecord.meta for `meta`. */
export function sealMeta(box: SecretBox, meta: OutboxMeta): Uint8Array {
  return box.sealBytes(Buffer.from(JSON.stringify(meta)));
}

/** The OutboxMeta sealed in `record` (throws when it was sealed with another key). */
export function openMeta(box: SecretBox, record: Pick<OutboxRecord, 'meta'>): OutboxMeta {
  return JSON.parse(box.openBytes(record.meta).toString('utf8')) as OutboxMeta;
}

type IndexKey = [string, string];
const accountRange = (account: string) => ({ start: [account, ''] as IndexKey, end: [account, '\uffff'] as IndexKey });

export class OutboxStore {
  readonly #db: Database<OutboxRecord, string>;
  readonly #byAccount: Database<1, IndexKey>;
  /** queueId → SecretBox.sealBytes of the RFC 822 bytes: apart, so listing and picking never read them */
  readonly #raw: Database<Uint8Array, string>;

  constructor(root: RootDatabase) {
    this.#db = root.openDB<OutboxRecord, string>({ name: 'outbox', encoding: 'msgpack' });
    this.#byAccount = root.openDB<1, IndexKey>({ name: 'outboxAccounts', encoding: 'msgpack' });
    this.#raw = root.openDB<Uint8Array, string>({ name: 'outboxRaw', encoding: 'binary' });
  }

  /** The sealed message of `queueId`. */
  sealedRaw(queueId: string): Uint8Array | undefined {
    return this.#raw.get(queueId);
  }

  get(queueId: string): OutboxRecord | undefined {
    return this.#db.get(queueId);
  }

  /** One account's records, oldest first. */
  ofAccount(account: string, limit = 10_000): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    for (const [, id] of this.#byAccount.getKeys({ ...accountRange(account), limit })) {
      const r = this.#db.get(id);
      if (r) out.push(r);
    }
    return out;
  }

  /** Accounts that have records. */
  accounts(): string[] {
    const out: string[] = [];
    let last: string | undefined;
    for (const [account] of this.#byAccount.getKeys()) if (account !== last) out.push((last = account));
    return out;
  }

  /** Inside the caller's write transaction; `sealedRaw` with a new record, not with an update. */
  putSync(record: OutboxRecord, sealedRaw?: Uint8Array): void {
    this.#db.putSync(record.queueId, record);
    this.#byAccount.putSync([record.account, record.queueId], 1);
    if (sealedRaw) this.#raw.putSync(record.queueId, sealedRaw);
  }

  removeSync(record: Pick<OutboxRecord, 'queueId' | 'account'>): void {
    this.#db.removeSync(record.queueId);
    this.#byAccount.removeSync([record.account, record.queueId]);
    this.#raw.removeSync(record.queueId);
  }

  removeAccountSync(account: string): void {
    for (const key of [...this.#byAccount.getKeys(accountRange(account))]) this.removeSync({ account, queueId: key[1] });
  }
}
