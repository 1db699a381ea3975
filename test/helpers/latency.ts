// Measures new-mail latency: another client APPENDs at a fixed rate while a raw imapflow
// client IDLEs on the same folder (the IMAP server's own push delay, the floor) and the
// caller's consumer records when each messageNew reached it.
import { ImapFlow } from 'imapflow';
import { bulkMessage, imapClient, type ImapLogin } from './seed.js';

export interface LatencyRun {
  /** uid → when its APPEND completed (ms, performance.now()) */
  appendedAt: Map<number, number>;
  /** uid → when the raw IDLE client saw it (EXISTS) */
  floorAt: Map<number, number>;
  /** when the last APPEND completed */
  endedAt: number;
}

/** APPEND `count` messages at `perSecond` into INBOX, with a raw IDLE watcher beside. */
export async function appendSteadily(login: ImapLogin, count: number, perSecond: number): Promise<LatencyRun> {
  const watcher = new ImapFlow({ host: login.host, port: login.port, secure: false, auth: { user: login.user, pass: login.pass }, logger: false, autoIdleDelay: 0 });
  watcher.on('error', () => undefined);
  await watcher.connect();
  // a number, not the mailbox object: imapflow updates that one as EXISTS arrives
  const base = (await watcher.mailboxOpen('INBOX')).exists;
  let seen = base;
  const appendedAt = new Map<number, number>();
  const order: number[] = [];
  const floorAt = new Map<number, number>();
  watcher.on('exists', (e: { count: number }) => {
    const now = performance.now();
    // one appender: the n-th new message is the n-th APPEND
    for (; seen < e.count; seen++) floorAt.set(order[seen - base] ?? -(seen + 1), now);
  });
  await new Promise((r) => setTimeout(r, 300)); // let the watcher enter IDLE
  const appender = await imapClient(login);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const res = await appender.append('INBOX', bulkMessage(10_000 + i), []);
    if (!res || res.uid === undefined) throw new Error('APPEND gave no UID');
    appendedAt.set(res.uid, performance.now());
    order.push(res.uid);
  }
  const endedAt = performance.now();
  await new Promise((r) => setTimeout(r, 1500));
  // EXISTS seen before the APPEND reply was recorded: map those now that UIDs are known
  for (const [k, at] of [...floorAt]) {
    if (k >= 0) continue;
    floorAt.delete(k);
    const uid = order[-k - 1 - base];
    if (uid !== undefined) floorAt.set(uid, at);
  }
  await appender.logout();
  await watcher.logout();
  return { appendedAt, floorAt, endedAt };
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}
