// Streaming diff of two UID-sorted lists (the server's and the stored one): a merge join, so
// a folder of any size is compared without holding either list in memory.
import { sameFlags, type StoredFlags } from '../store/flags.js';

export interface UidFlags { uid: number; flags: StoredFlags | null }

export interface FolderDiff {
  added: { uid: number; flags: StoredFlags }[];
  removed: number[];
  changed: { uid: number; before: StoredFlags; after: StoredFlags }[];
}

/**
 * Compare `server` (ascending UIDs; flags null = not fetched, only presence counts) with
 * `known` (ascending UIDs as stored).
 */
export async function diffSorted(server: AsyncIterable<UidFlags>, known: Iterable<{ uid: number; flags: StoredFlags }>): Promise<FolderDiff> {
  const out: FolderDiff = { added: [], removed: [], changed: [] };
  const mine = known[Symbol.iterator]();
  let k = mine.next();
  for await (const s of server) {
    while (!k.done && k.value.uid < s.uid) {
      out.removed.push(k.value.uid);
      k = mine.next();
    }
    if (!k.done && k.value.uid === s.uid) {
      if (s.flags !== null && !sameFlags(k.value.flags, s.flags)) out.changed.push({ uid: s.uid, before: k.value.flags, after: s.flags });
      k = mine.next();
    } else {
      out.added.push({ uid: s.uid, flags: s.flags ?? 0 });
    }
  }
  for (; !k.done; k = mine.next()) out.removed.push(k.value.uid);
  return out;
}
