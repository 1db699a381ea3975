// Flag changes: one message or many of one folder, each part (set, add, delete) one UID STORE
// over the whole set, on a folder opened read-write.
import type { ImapFlow } from 'imapflow';
import type { MessageRef } from '../../ids.js';
import type { Must } from '../../imap/command-errors.js';
import { uidSet } from '../../imap/uid-set.js';
import type { BulkUpdateResult, FlagResult, FlagUpdate, LabelUpdate, MessageUpdateResult } from '../../schemas/write.js';
import { pathOf, type OpContext } from './context.js';
import { checkSameFolder, existingUid, sameGeneration, selectUids, type Selection } from './selection.js';

const REFUSED = 'accept the flags (the folder may not allow storing them)';

/** One STORE per part; `useLabels` stores X-GM-LABELS instead of FLAGS (Gmail). */
async function store(client: ImapFlow, uids: readonly number[], flags: FlagUpdate, must: Must, useLabels = false): Promise<FlagResult> {
  const result: FlagResult = {};
  if (!uids.length) return result;
  const range = uidSet(uids);
  const opts = { uid: true, useLabels };
  if (flags.set) result.set = must(await client.messageFlagsSet(range, flags.set, opts), REFUSED);
  if (flags.add?.length) result.add = must(await client.messageFlagsAdd(range, flags.add, opts), REFUSED);
  if (flags.delete?.length) result.delete = must(await client.messageFlagsRemove(range, flags.delete, opts), REFUSED);
  return result;
}

/** Without X-GM-EXT-1 there are no labels: each part asked for answers false (not applied). */
function notApplied(labels: LabelUpdate): FlagResult {
  return Object.fromEntries(Object.keys(labels).map((k) => [k, false]));
}

export async function updateFlags(ctx: OpContext, { ref, id, flags, labels }: { ref: MessageRef; id: string; flags?: FlagUpdate; labels?: LabelUpdate }): Promise<MessageUpdateResult> {
  const path = pathOf(ctx, ref.mailbox, id);
  const result = await ctx.session.inMailbox(path, async (client, mb, { must, live }) => {
    sameGeneration(ctx, path, mb, id);
    const uid = await existingUid(client, ref, id, must);
    live();
    const out: MessageUpdateResult = {};
    if (flags) out.flags = await store(client, [uid], flags, must);
    if (labels) out.labels = client.capabilities.has('X-GM-EXT-1') ? await store(client, [uid], labels, must, true) : notApplied(labels);
    return out;
  }, { write: true, deadline: ctx.deadline });
  if (flags) ctx.touched([path]);
  return result;
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
