// POST /v1/verifyAccount on a shard: the IMAP and SMTP logins in parallel, each within its own
// budget that ends before the caller's deadline, so a host that never answers still gets a reply.
import type { CallMeta } from '../../protocol/ops.js';
import type { VerifyInput, VerifyResult } from '../../schemas/verify.js';
import { verifyImap } from '../../imap/verify.js';
import { verifySmtp } from '../../smtp/verify.js';

/** longest a login may take, ms: a server slower than this is not usable anyway */
const MAX_BUDGET = 15_000;
/** time kept for the reply to travel back before the front's deadline, ms */
const MARGIN = 750;

export async function verifyAccount(input: VerifyInput, meta: CallMeta): Promise<VerifyResult> {
  const timeoutMs = Math.max(500, Math.min(MAX_BUDGET, meta.deadline - Date.now() - MARGIN));
  const [imap, smtp] = await Promise.all([
    input.imap ? verifyImap(input.imap, { timeoutMs, mailboxes: input.mailboxes === true }) : undefined,
    input.smtp ? verifySmtp(input.smtp, { timeoutMs }) : undefined,
  ]);
  const result: VerifyResult = {};
  if (imap) result.imap = imap.outcome;
  if (smtp) result.smtp = smtp;
  if (imap?.mailboxes) result.mailboxes = imap.mailboxes;
  return result;
}
