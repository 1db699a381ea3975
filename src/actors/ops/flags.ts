// Flag changes: one message or many of one folder, each part (set, add, delete) one UID STORE
// over the whole set, on a folder opened read-write.
import type { ImapFlow } from 'imapflow';
import type { MessageRef } from '../../ids.js';
import type { Must } from '../../imap/command-errors.js';
import { uidSet } from '../../imap/uid-set.js';
import type { BulkUpdateResult, FlagResult, FlagUpdate, MessageUpdateResult } from '../../schemas/write.js';
import { pathOf, type OpContext } from './context.js';
import { checkSameFolder, existingUid, sameGeneration, selectUids, type Selection } from './selection.js';

const REFUSED = 'accept the flags (the folder may not allow storing them)';

async function store(client: ImapFlow, uids: readonly number[], flags: FlagUpdate, must: Must): Promise<FlagResult> {
  const result: FlagResult = {};
  if (!uids.length) return result;
  const range = uidSet(uids);
  const opts = { uid: true };
  if (flags.set) result.set = must(await client.messageFlagsSet(range, flags.set, opts), REFUSED);
  if (flags.add?.length) result.add = must(await client.messageFlagsAdd(range, flags.add, opts), REFUSED);
  if (flags.delete?.length) result.delete = must(await client.messageFlagsRemove(range, flags.delete, opts), REFUSED);
  return result;
}

export async function updateFlags(ctx: OpContext, { ref, id, flags }: { ref: MessageRef; id: string; flags: FlagUpdate }): Promise<MessageUpdateResult> {
  const path = pathOf(ctx, ref.mailbox, id);
  const result = await ctx.session.inMailbox(path, async (client, mb, { must, live }) => {
    sameGeneration(ctx, path, mb, id);
    const uid = await existingUid(client, ref, id, must);
    live();
    return store(client, [uid], flags, must);
  }, { write: true, deadline: ctx.deadline });
  ctx.touched([path]);
  return { flags: result };
}

export async function updateFlagsBulk(ctx: OpContext, { path, selection, flags }: { path: string; selection: Selection; flags: FlagUpdate }): Promise<BulkUpdateResult> {
  checkSameFolder(ctx, path, selection);
  const result = await ctx.session.inMailbox(path, async (client, mb, { must, live }) => {
    if ('refs' in selection) sameGeneration(ctx, path, mb, selection.refs[0]!.id);
    const uids = await selectUids(client, selection, must);
    live();
    return { flags: await store(client, uids, flags, must), updated: uids.length };
  }, { write: true, deadline: ctx.deadline });
  if (result.updated) ctx.touched([path]);
  return result;
}
