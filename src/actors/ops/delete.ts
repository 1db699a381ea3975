// Deleting messages as mail clients do: into the Trash folder (special use \Trash, else the
// usual names), or expunged when already there, when forced, or when there is no Trash.
import type { ImapFlow } from 'imapflow';
import { encodeMessageId, type MessageRef } from '../../ids.js';
import { expungeUids, moveUids } from '../../imap/expunge.js';
import { findSpecial } from '../../imap/special-use.js';
import type { BulkDeleteResult, MessageDeleteResult } from '../../schemas/write.js';
import { mailboxIdOf, pathOf, type OpContext } from './context.js';
import { idPairs, moveOne } from './move.js';
import { checkSameFolder, existingUid, sameGeneration, selectUids, type Selection } from './selection.js';

/** Where deleted messages of `path` go; null = expunge them. */
async function trashFor(client: ImapFlow, path: string, force: boolean): Promise<string | null> {
  if (force) return null;
  const trash = findSpecial(await client.list(), '\\Trash');
  return trash && trash.path !== path ? trash.path : null;
}

export async function deleteMessage(ctx: OpContext, { ref, id, force }: { ref: MessageRef; id: string; force: boolean }): Promise<MessageDeleteResult> {
  const path = pathOf(ctx, ref.mailbox, id);
  const done = await ctx.session.inMailbox(path, async (client, mb, turn) => {
    sameGeneration(ctx, path, mb, id);
    const trash = await trashFor(client, path, force);
    if (trash) return { trash, uid: await moveOne(client, ref, id, trash, turn) };
    const uid = await existingUid(client, ref, id, turn.must);
    turn.live();
    await expungeUids(client, [uid], turn.must);
    return { trash: null, uid: undefined };
  }, { write: true, deadline: ctx.deadline });
  ctx.touched(done.trash ? [path, done.trash] : [path]);
  if (!done.trash) return { deleted: true };
  const messageId = done.uid === undefined ? '' : encodeMessageId({ mailbox: await mailboxIdOf(ctx, done.trash), uid: done.uid });
  return { moved: { destination: done.trash, messageId } };
}

export async function deleteMessages(ctx: OpContext, { path, selection, force }: { path: string; selection: Selection; force: boolean }): Promise<BulkDeleteResult> {
  checkSameFolder(ctx, path, selection);
  const done = await ctx.session.inMailbox(path, async (client, mb, { must, live }) => {
    if ('refs' in selection) sameGeneration(ctx, path, mb, selection.refs[0]!.id);
    const uids = await selectUids(client, selection, must);
    const trash = uids.length ? await trashFor(client, path, force) : null;
    live();
    if (!trash) {
      await expungeUids(client, uids, must);
      return { count: uids.length, trash: null, uidMap: new Map<number, number>() };
    }
    return { count: uids.length, trash, uidMap: await moveUids(client, uids, trash, must) };
  }, { write: true, deadline: ctx.deadline });
  if (done.count) ctx.touched(done.trash ? [path, done.trash] : [path]);
  if (!done.trash) return { deleted: done.count };
  const idMap = await idPairs(ctx, await mailboxIdOf(ctx, path), done.trash, done.uidMap);
  return { deleted: 0, moved: { destination: done.trash, count: done.count, idMap } };
}
