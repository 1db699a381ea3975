// A second IMAP client's view of a folder, for tests that check what the API did: UIDs matching
// a search and the flags of one message, each read after a NOOP so other sessions' changes show.
import type { ImapFlow, SearchObject } from 'imapflow';

async function inFolder<T>(imap: ImapFlow, path: string, fn: () => Promise<T>): Promise<T> {
  const lock = await imap.getMailboxLock(path);
  try {
    // a folder kept selected sees other sessions' changes once synced (RFC 3501 §6.1.2)
    await imap.noop();
    return await fn();
  } finally {
    lock.release();
  }
}

/** UIDs of `path` matching `query` (default: all), ascending. */
export function uidsIn(imap: ImapFlow, path: string, query: SearchObject = { all: true }): Promise<number[]> {
  return inFolder(imap, path, async () => ((await imap.search(query, { uid: true })) || []).sort((a, b) => a - b));
}

/** Flags of message `uid` in `path`, sorted, without \Recent; null when it is not there. */
export function flagsIn(imap: ImapFlow, path: string, uid: number): Promise<string[] | null> {
  return inFolder(imap, path, async () => {
    const msg = await imap.fetchOne(String(uid), { flags: true }, { uid: true });
    return msg ? [...(msg.flags ?? [])].filter((f) => f !== '\\Recent').sort() : null;
  });
}
