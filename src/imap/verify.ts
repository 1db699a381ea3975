// Tries an IMAP login with settings that are not stored anywhere (POST /v1/verifyAccount):
// connect, log in, list the folders when asked, log out; the outcome is a value, never a throw.
import type { ImapFlow, ListResponse } from 'imapflow';
import type { Credentials, ServerSettings } from '../schemas/account.js';
import type { VerifiedMailbox, VerifyOutcome } from '../schemas/verify.js';
import { silentServer } from '../lib/tls-hint.js';
import { settleWithin } from '../lib/settle.js';
import { withoutSecret } from '../lib/without-secret.js';
import { classifyConnectError } from './classify.js';
import { CommandErrors } from './command-errors.js';
import { createImapClient } from './connect.js';
import { specialUseOf } from './special-use.js';

export interface ImapVerified {
  outcome: VerifyOutcome;
  mailboxes?: VerifiedMailbox[];
}


/** The answer when the server did not finish within the budget. */
export const timedOut = (what: string, ms: number, secure: boolean): VerifyOutcome => ({
  success: false, code: 'ETIMEDOUT', error: silentServer(what, ms, secure),
});

function toMailbox(m: ListResponse): VerifiedMailbox {
  const out: VerifiedMailbox = { path: m.path, parentPath: m.parentPath || '', name: m.name, listed: m.listed !== false, subscribed: !!m.subscribed };
  if (m.delimiter) out.delimiter = m.delimiter;
  const use = specialUseOf(m);
  if (use) out.specialUse = use;
  return out;
}

async function attempt(client: ImapFlow, list: boolean): Promise<ImapVerified> {
  await client.connect();
  const mailboxes = list ? (await client.list()).map(toMailbox) : undefined;
  await settleWithin(client.logout(), 2_000);
  return { outcome: { success: true }, ...(mailboxes ? { mailboxes } : {}) };
}

/** Log in with `s` and `creds` within `timeoutMs`; `mailboxes`: also list the folders. */
export async function verifyImap(s: ServerSettings, creds: Credentials, opts: { timeoutMs: number; mailboxes: boolean }): Promise<ImapVerified> {
  const pass = 'pass' in creds ? creds.pass : creds.accessToken;
  const errors = new CommandErrors();
  const client = createImapClient(s, creds, { idle: false, logger: errors.logger });
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ImapVerified>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: timedOut('IMAP', opts.timeoutMs, s.secure === true) }), opts.timeoutMs);
  });
  try {
    return await Promise.race([attempt(client, opts.mailboxes), late]);
  } catch (err) {
    const failure = classifyConnectError(err, 'pass' in creds ? 'password' : 'token');
    const outcome: VerifyOutcome = { success: false, error: withoutSecret(failure.message, pass) };
    const code = failure.code ?? (err as { code?: unknown }).code;
    if (typeof code === 'string') outcome.code = code;
    return { outcome };
  } finally {
    clearTimeout(timer);
    client.close();
  }
}
