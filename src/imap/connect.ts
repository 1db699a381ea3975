// ImapFlow client options for an account's IMAP settings.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { ServerSettings } from '../schemas/account.js';
import { VERSION } from '../version.js';

/** A new, unconnected client; `pass` is the opened (plain) password. Read connections
 *  never IDLE: they are closed when unused instead. */
export function createImapClient(s: ServerSettings, pass: string, opts: { idle: boolean; qresync?: boolean; logger?: ImapFlowOptions['logger'] } = { idle: true }): ImapFlow {
  const tls = s.tls ? { ...s.tls } : undefined;
  return new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.secure ?? false,
    auth: { user: s.auth.user, pass },
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
