// pino loggers for every thread, with secrets redacted by path so that a password or token
// that reaches a log call by mistake is still never written.
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'pass', 'password', 'secret', 'token', 'accessToken', 'authorization',
  '*.pass', '*.password', '*.secret', '*.token', '*.accessToken', '*.authorization',
  '*.auth.pass', '*.*.auth.pass', 'auth.pass', '*.auth.accessToken', '*.*.auth.accessToken', 'auth.accessToken', 'headers.authorization',
];

/** Root logger of one thread; children add {account} or {reqId}. */
export function createLogger(level: string, thread: string): Logger {
  return pino(
    { level, base: { thread }, redact: { paths: REDACT, censor: '[redacted]' } },
    pino.destination({ dest: 1, sync: true }),
  );
}
