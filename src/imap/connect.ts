// ImapFlow client options for an account's IMAP settings.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Credentials, ServerSettings } from '../schemas/account.js';
import { VERSION } from '../version.js';

/** A new, unconnected client logging in with `creds` (a password, or an OAuth2 access token:
 *  imapflow then uses XOAUTH2 / OAUTHBEARER). Read connections never IDLE: they are closed
 *  when unused instead. */
export function createImapClient(s: ServerSettings, creds: Credentials, opts: { idle: boolean; qresync?: boolean; logger?: ImapFlowOptions['logger'] } = { idle: true }): ImapFlow {
  const tls = s.tls ? { ...s.tls } : undefined;
  return new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.secure ?? false,
    auth: 'pass' in creds ? { user: creds.user, pass: creds.pass } : { user: creds.user, accessToken: creds.accessToken },
    ...(tls ? { tls } : {}),
    logger: opts.logger ?? false,
    disableAutoIdle: !opts.idle,
    // back to IDLE as soon as the connection is free: a delay is a window with no push
    ...(opts.idle ? { autoIdleDelay: 0 } : {}),
    qresync: opts.qresync ?? false,
    clientInfo: { name: 'IMAP API', version: VERSION },
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
  });
}
