// The default posture: with no API token the API is open, which is safe only on a loopback
// address. Anywhere else the server refuses to start unless told --insecure.
import { isIPv4 } from 'node:net';

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || (isIPv4(h) && h.startsWith('127.')) || h === '::ffff:127.0.0.1';
}

/** Why start-up must stop, or null. */
export function postureProblem(host: string, opts: { insecure: boolean; tokens: boolean; dataDir: string }): string | null {
  if (opts.tokens || opts.insecure || isLoopback(host)) return null;
  return `refusing to listen on ${host} with no API token: anyone who reaches the port could read and send mail. `
    + `Make a token first: imapapi token create --scopes admin --data-dir ${opts.dataDir} `
    + '(or pass --insecure to run open anyway)';
}
