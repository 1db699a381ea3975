// Moving and expunging UIDs of the selected folder with what the server offers: MOVE (RFC 6851),
// else COPY + \Deleted + UID EXPUNGE (UIDPLUS, RFC 4315), else COPY + \Deleted + EXPUNGE, which
// removes every \Deleted message of the folder, so only when no other message carries the flag.
import type { ImapFlow } from 'imapflow';
import { ApiError } from '../errors.js';
import type { Must } from './command-errors.js';
import { uidSet } from './uid-set.js';

/** Refuse (409, nothing changed) a plain EXPUNGE that would take messages someone else marked. */
async function onlyOursDeleted(client: ImapFlow, uids: readonly number[], must: Must): Promise<void> {
  if (client.capabilities.has('UIDPLUS')) return;
  const marked = must(await client.search({ deleted: true }, { uid: true }), 'search for deleted messages') ?? [];
  const ours = new Set(uids);
  const others = marked.filter((uid) => !ours.has(uid)).length;
  if (others) {
    throw new ApiError('Conflict', `The server lacks UIDPLUS, so expunging would also remove ${others} other message(s) marked \\Deleted in this folder; nothing was changed`, { otherDeleted: others });
  }
}

/** Permanently remove `uids` from the selected folder. */
export async function expungeUids(client: ImapFlow, uids: readonly number[], must: Must): Promise<void> {
  if (!uids.length) return;
  await onlyOursDeleted(client, uids, must);
  must(await client.messageDelete(uidSet(uids), { uid: true }), 'expunge the messages');
}

/** Move `uids` to `destination`; the new UIDs by old UID when the server said (COPYUID). */
export async function moveUids(client: ImapFlow, uids: readonly number[], destination: string, must: Must): Promise<Map<number, number>> {
  if (!uids.length) return new Map();
  const range = uidSet(uids);
  if (client.capabilities.has('MOVE')) {
    const moved = must(await client.messageMove(range, destination, { uid: true }), `move the messages to "${destination}"`, destination);
    return moved.uidMap ?? new Map();
  }
  await onlyOursDeleted(client, uids, must);
  const copied = must(await client.messageCopy(range, destination, { uid: true }), `copy the messages to "${destination}"`, destination);
  must(await client.messageDelete(range, { uid: true }), 'expunge the moved messages');
  return copied.uidMap ?? new Map();
}
