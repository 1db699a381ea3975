// The content a messageNew carries when notifyText/notifyHeaders are on: the header block and
// the text parts of one message by UID, as raw bytes for the front's parser pool. Fetched when
// the event is delivered or read, so nothing of it is ever stored; a message that is gone says so.
import type { FetchQueryObject, ImapFlow } from 'imapflow';
import { ApiError } from '../../errors.js';
import type { MessageRef } from '../../ids.js';
import { readStructure } from '../../messages/structure.js';
import type { Args, NotifyContent } from '../../protocol/ops.js';
import { owned } from '../../protocol/transfer.js';
import { fetchParts } from './get-message.js';
import { pathOf, type OpContext } from './context.js';

const gone = (reason: string): NotifyContent => ({ found: false, reason });

export async function notifyContent(ctx: OpContext, args: Args<'notifyContent'>): Promise<NotifyContent> {
  let path: string;
  try {
    path = pathOf(ctx, args.ref.mailbox, args.id);
  } catch {
    return gone('folder is gone');
  }
  try {
    return await ctx.session.inMailbox(path, (client) => fetchContent(client, args.ref, args), { deadline: ctx.deadline, path });
  } catch (err) {
    if (err instanceof ApiError && err.code === 'MailboxNotFound') return gone('folder is gone');
    throw err;
  }
}

async function fetchContent(client: ImapFlow, ref: MessageRef, args: Args<'notifyContent'>): Promise<NotifyContent> {
  const all = args.headers.includes('*');
  const query: FetchQueryObject = { uid: true, size: true, envelope: true, bodyStructure: args.text };
  // HEADER.FIELDS (RFC 3501 §6.4.5) fetches only the named fields, not the whole block
  if (args.headers.length) query.headers = all ? true : args.headers;
  const msg = await client.fetchOne(String(ref.uid), query, { uid: true });
  if (!msg) return gone('message is gone');
  // after a folder reset the UID may name another message: the event's size and Message-ID tell
  const { size, messageId } = args.expect;
  if ((size !== undefined && msg.size !== size) || (messageId !== undefined && msg.envelope?.messageId !== messageId)) {
    return gone('message is gone');
  }
  const out: NotifyContent = { found: true, parts: [], hasMore: false };
  if (args.headers.length) out.headers = owned(msg.headers ?? new Uint8Array(0));
  if (args.text) {
    const structure = readStructure(msg.bodyStructure);
    Object.assign(out, await fetchParts(client, ref.uid, [...structure.plain, ...structure.html], args.maxBytes));
  }
  return out;
}
