// POST /v1/verifyAccount on a shard: the IMAP and SMTP logins in parallel, each within its own
// budget that ends before the caller's deadline, so a host that never answers still gets a reply.
import type { CallMeta } from '../../protocol/ops.js';
import { credentialsIn } from '../../schemas/account.js';
import type { VerifyInput, VerifyOutcome, VerifyResult } from '../../schemas/verify.js';
import { verifyImap, type ImapVerified } from '../../imap/verify.js';
import { verifySmtp } from '../../smtp/verify.js';

/** longest a login may take, ms: a server slower than this is not usable anyway */
const MAX_BUDGET = 15_000;
/** time kept for the reply to travel back before the front's deadline, ms */
const MARGIN = 750;

// the auth server is asked per account, and a verification has none
const noCredentials: VerifyOutcome = {
  success: false, code: 'NoCredentials',
  error: 'Nothing to log in with: give auth.pass or auth.accessToken (useAuthServer needs a registered account)',
};

function tryImap(input: VerifyInput, timeoutMs: number): Promise<ImapVerified> | undefined {
  if (!input.imap) return undefined;
  const creds = credentialsIn(input.imap.auth);
  return creds ? verifyImap(input.imap, creds, { timeoutMs, mailboxes: input.mailboxes === true }) : Promise.resolve({ outcome: noCredentials });
}

function trySmtp(input: VerifyInput, timeoutMs: number): Promise<VerifyOutcome> | undefined {
  if (!input.smtp) return undefined;
  const creds = credentialsIn(input.smtp.auth);
  return creds ? verifySmtp(input.smtp, creds, { timeoutMs }) : Promise.resolve(noCredentials);
}

export async function verifyAccount(input: VerifyInput, meta: CallMeta): Promise<VerifyResult> {
  const timeoutMs = Math.max(500, Math.min(MAX_BUDGET, meta.deadline - Date.now() - MARGIN));
  const [imap, smtp] = await Promise.all([tryImap(input, timeoutMs), trySmtp(input, timeoutMs)]);
  const result: VerifyResult = {};
  if (imap) result.imap = imap.outcome;
  if (smtp) result.smtp = smtp;
  if (imap?.mailboxes) result.mailboxes = imap.mailboxes;
  return result;
}
