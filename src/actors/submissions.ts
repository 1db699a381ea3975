// The shard's side of sending: its outbox service wired to the accounts it owns (their SMTP
// settings, their API connections for the Sent copy and the flags), and the ops that serve it.
import { accountNotFound, noSmtpSettings } from '../errors.js';
import type { Logger } from '../log.js';
import type { AccountHandler, ShardHandlers } from '../protocol/ops.js';
import { OutboxService } from '../outbox/service.js';
import type { OutboxPolicy } from '../outbox/runner.js';
import { sendMail, type SmtpOutcome } from '../smtp/send.js';
import type { AccountRecord } from '../store/accounts.js';
import type { SecretBox } from '../store/crypto.js';
import type { IdempotencyStore } from '../store/idempotency.js';
import type { OutboxStore } from '../store/outbox.js';
import type { NewEvent } from '../events/types.js';
import type { AccountActor } from './account-actor.js';
import { afterSend } from './ops/after-send.js';
import { CredentialsError, credentialsFor, type CredentialSource } from './credentials.js';

export interface SubmissionDeps {
  outbox: OutboxStore;
  idempotency: IdempotencyStore;
  policy: OutboxPolicy;
  /** one SMTP session's timeouts, ms */
  smtpTimeout: number;
  secrets: SecretBox;
  /** where credentials come from when the account uses the auth server */
  credentials: Omit<CredentialSource, 'secrets'>;
  log: Logger;
  commit(fn: () => NewEvent[]): Promise<void>;
  /** the stored settings of an account (fresh: a changed SMTP password applies to the next try) */
  record(account: string): AccountRecord | undefined;
  actor(account: string): AccountActor | undefined;
  owns(account: string): boolean;
}

async function smtpSend(deps: SubmissionDeps, account: string, envelope: { from: string; to: string[] }, raw: Uint8Array): Promise<SmtpOutcome> {
  const record = deps.record(account);
  const smtp = record?.smtp;
  if (!smtp) return { ok: false, permanent: true, error: 'The account has no SMTP settings', unconfirmed: false };
  let creds;
  try {
    creds = await credentialsFor({ ...deps.credentials, secrets: deps.secrets }, account, 'smtp', smtp, record.oauth2);
  } catch (err) {
    if (!(err instanceof CredentialsError)) throw err;
    // an auth server or token endpoint may answer on the next try; a key mismatch or a dead grant needs the user
    return { ok: false, permanent: err.code === 'KeyMismatch' || err.code === 'InvalidGrant' || err.code === 'TokenRejected', error: err.message, unconfirmed: false };
  }
  return sendMail({ settings: smtp, creds }, envelope, raw, { timeoutMs: deps.smtpTimeout });
}

export function createOutbox(deps: SubmissionDeps): OutboxService {
  return new OutboxService({
    store: deps.outbox, idempotency: deps.idempotency, secrets: deps.secrets, log: deps.log, policy: deps.policy,
    commit: deps.commit, owns: deps.owns,
    send: (account, envelope, raw) => smtpSend(deps, account, envelope, raw),
    delivered: (record, meta, raw) => {
      const actor = deps.actor(record.account);
      if (!actor) return;
      let session;
      try { session = actor.session(); } catch { return; } // not connected: no copy, no flag
      void afterSend({
        session, copy: actor.record.copy, reference: meta.reference, raw,
        log: deps.log.child({ account: record.account, queueId: record.queueId }), touched: (paths) => actor.touched(paths),
      });
    },
  });
}

export function submissionHandlers(outbox: OutboxService, deps: Pick<SubmissionDeps, 'record'>): { enqueueSubmission: AccountHandler<'enqueueSubmission'> } & Pick<ShardHandlers, 'listOutbox' | 'getOutbox' | 'cancelOutbox'> {
  return {
    enqueueSubmission: async (account, submission, meta) => {
      const record = deps.record(account);
      if (!record) throw accountNotFound(account);
      if (!record.smtp) throw noSmtpSettings(account);
      return outbox.enqueue(account, submission, meta.deadline);
    },
    listOutbox: async ({ account }) => ({ entries: outbox.list(account) }),
    getOutbox: async ({ queueId }) => ({ entry: outbox.get(queueId) }),
    cancelOutbox: ({ queueId }) => outbox.cancel(queueId),
  };
}
