// Moving messages to another folder, one or many of one folder at once: the new ids come from
// the server's COPYUID, or for one message from a Message-ID search when the server gives none.
import type { ImapFlow } from 'imapflow';
import { ApiError } from '../../errors.js';
import { encodeMessageId, type MessageRef } from '../../ids.js';
import type { Turn } from '../api-session.js';
import { moveUids } from '../../imap/expunge.js';
import type { BulkMoveResult, MessageMoveResult } from '../../schemas/write.js';
import { mailboxIdOf, pathOf, type OpContext } from './context.js';
import { checkSameFolder, existingUid, sameGeneration, selectUids, type Selection } from './selection.js';

/** Pairs [old id, new id] for the messages whose new UID is known. */
export async function idPairs(ctx: OpContext, from: number, destination: string, uidMap: Map<number, number>): Promise<[string, string][]> {
  if (!uidMap.size) return [];
  const to = await mailboxIdOf(ctx, destination);
  return [...uidMap].map(([a, b]) => [encodeMessageId({ mailbox: from, uid: a }), encodeMessageId({ mailbox: to, uid: b })]);
}

/** Without UIDPLUS the server does not say where a message went: find it by its Message-ID. */
async function locate(client: ImapFlow, destination: string, messageId: string | undefined): Promise<number | undefined> {
  if (!messageId) return undefined;
  await client.mailboxOpen(destination, { readOnly: true });
  const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
  return found && found.length ? Math.max(...found) : undefined;
}

/** Move one message of the selected folder; its new UID when it can be known. */
export async function moveOne(client: ImapFlow, ref: MessageRef, id: string, destination: string, { must, live }: Pick<Turn, 'must' | 'live'>): Promise<number | undefined> {
  const uid = await existingUid(client, ref, id, must);
  const envelope = client.capabilities.has('UIDPLUS') ? undefined : (await client.fetchOne(String(uid), { envelope: true }, { uid: true }) || undefined)?.envelope;
  live();
  const uidMap = await moveUids(client, [uid], destination, must);
  return uidMap.get(uid) ?? await locate(client, destination, envelope?.messageId);
}

function notSameFolder(path: string, destination: string): void {
  if (path === destination) throw new ApiError('ValidationError', 'The message is already in that folder', [{ field: 'path', reason: 'is the folder the message is in' }]);
}

export async function moveMessage(ctx: OpContext, { ref, id, destination }: { ref: MessageRef; id: string; destination: string }): Promise<MessageMoveResult> {
  const path = pathOf(ctx, ref.mailbox, id);
  notSameFolder(path, destination);
  const uid = await ctx.session.inMailbox(path, (client, mb, turn) => {
    sameGeneration(ctx, path, mb, id);
    return moveOne(client, ref, id, destination, turn);
  }, { write: true, deadline: ctx.deadline });
  ctx.touched([path, destination]);
  if (uid === undefined) return { path: destination };
  return { path: destination, id: encodeMessageId({ mailbox: await mailboxIdOf(ctx, destination), uid }), uid };
}

export async function moveMessages(ctx: OpContext, { path, selection, destination }: { path: string; selection: Selection; destination: string }): Promise<BulkMoveResult> {
  checkSameFolder(ctx, path, selection);
  if (path === destination) throw new ApiError('ValidationError', 'Source and destination are the same folder', [{ field: 'destination', reason: 'equals path' }]);
  const { moved, uidMap } = await ctx.session.inMailbox(path, async (client, mb, { must, live }) => {
    if ('refs' in selection) sameGeneration(ctx, path, mb, selection.refs[0]!.id);
    const uids = await selectUids(client, selection, must);
    live();
    return { moved: uids.length, uidMap: await moveUids(client, uids, destination, must) };
  }, { write: true, deadline: ctx.deadline });
  if (moved) ctx.touched([path, destination]);
  const from = await mailboxIdOf(ctx, path);
  return { path: destination, moved, idMap: await idPairs(ctx, from, destination, uidMap) };
}
