// pino loggers for every thread, with secrets redacted by path so that a password or token
// that reaches a log call by mistake is still never written.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Field names whose values are never written, wherever they sit (up to REDACT_DEPTH down). */
export const SECRET_FIELDS = [
  'pass', 'password', 'secret', 'token', 'accessToken', 'access_token', 'refreshToken', 'apiToken',
  'clientSecret', 'gmailClientSecret',
  // header names: lower-case from node's parser, as written when copied from elsewhere
  'authorization', 'Authorization', 'cookie', 'Cookie',
] as const;

/** Nesting levels covered: log calls put their objects at most three levels down (`{err}` whose
 *  `config.auth.pass`, an event's `data.x`); pino's redaction needs each depth spelt out. */
export const REDACT_DEPTH = 5;

export const REDACT_PATHS: string[] = SECRET_FIELDS.flatMap((field) =>
  Array.from({ length: REDACT_DEPTH }, (_, depth) => [...Array<string>(depth).fill('*'), field].join('.')));

export const CENSOR = '[redacted]';

/** Root logger of one thread; children add {account} or {reqId}. `dest`: stdout unless given. */
export function createLogger(level: string, thread: string, dest?: DestinationStream): Logger {
  return pino(
    { level, base: { thread }, redact: { paths: REDACT_PATHS, censor: CENSOR } },
    dest ?? pino.destination({ dest: 1, sync: true }),
  );
}
