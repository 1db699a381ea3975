// Which messages a write is about: one id, a list of ids of one folder, or a search in it,
// resolved to the UIDs that exist in the selected folder.
import type { ImapFlow, MailboxObject } from 'imapflow';
import { ApiError, messageNotFound, validationError } from '../../errors.js';
import type { MessageRef } from '../../ids.js';
import type { Must } from '../../imap/command-errors.js';
import { uidSet } from '../../imap/uid-set.js';
import { toImapSearch } from '../../messages/search.js';
import type { Selection } from '../../protocol/ops.js';
import type { OpContext } from './context.js';

export type { Selection };

/** Ids of another folder than `path` are a 400 before any IMAP work. */
export function checkSameFolder(ctx: OpContext, path: string, selection: Selection): void {
  if (!('refs' in selection)) return;
  const folder = ctx.mailboxes.get(ctx.account, path)?.id;
  const problems = selection.refs.flatMap(({ ref }, i) => (ref.mailbox === folder ? [] : [{ field: `messages.${i}`, reason: `is not a message of folder "${path}"` }]));
  if (problems.length) throw validationError(problems.slice(0, 20), 'Every message must be in the folder named by path');
}

/** The selected folder's UIDs that `selection` names and that exist, ascending. */
export async function selectUids(client: ImapFlow, selection: Selection, must: Must): Promise<number[]> {
  const query = 'refs' in selection ? { uid: uidSet(selection.refs.map((r) => r.ref.uid)) } : toImapSearch(selection.search, client.capabilities);
  const found = must(await client.search(query, { uid: true }), 'search the folder') ?? [];
  return found.sort((a, b) => a - b);
}

/** The UID of one message, or a 404 when it is gone. */
export async function existingUid(client: ImapFlow, ref: MessageRef, id: string, must: Must): Promise<number> {
  const found = must(await client.search({ uid: String(ref.uid) }, { uid: true }), 'search the folder') ?? [];
  if (!found.includes(ref.uid)) throw messageNotFound(id);
  return ref.uid;
}

/** An id made before the folder was reset (UIDVALIDITY changed, RFC 3501 §2.3.1.1) names another
 *  message now, or none: a 404 rather than a write to the wrong message. */
export function sameGeneration(ctx: OpContext, path: string, mailbox: MailboxObject, id: string): void {
  const known = ctx.mailboxes.get(ctx.account, path)?.sync?.uidValidity;
  if (known !== undefined && known !== Number(mailbox.uidValidity)) {
    throw new ApiError('MessageNotFound', `Message "${id}" is gone: its folder was reset (UIDVALIDITY changed)`, { id });
  }
}
