// One message and its text: the list fields, the header block and the text parts, fetched
// as raw bytes (cut at maxBytes); decoded here when small, else by the front's parser pool.
import type { ImapFlow } from 'imapflow';
import { messageNotFound } from '../../errors.js';
import type { MessageRef, TextRef } from '../../ids.js';
import { ENTRY_QUERY, toEntry } from '../../messages/entry.js';
import type { Structure, TextPartRef } from '../../messages/structure.js';
import type { TextType } from '../../schemas/message.js';
import { folderSpecialUse } from '../../imap/special-use.js';
import type { FetchedMessage, FetchedText } from '../../protocol/ops.js';
import { owned } from '../../protocol/transfer.js';
import type { TextPartInput } from '../../parse/types.js';
import { pathOf, type OpContext } from './context.js';
import { decodeIfSmall } from './small-text.js';

export async function fetchParts(client: ImapFlow, uid: number, refs: TextPartRef[], maxBytes: number): Promise<{ parts: TextPartInput[]; hasMore: boolean }> {
  if (!refs.length) return { parts: [], hasMore: false };
  const msg = await client.fetchOne(String(uid), { uid: true, bodyParts: refs.map((r) => ({ key: r.part, maxLength: maxBytes })) }, { uid: true });
  if (!msg) return { parts: [], hasMore: false };
  let hasMore = false;
  const parts = refs.map((ref): TextPartInput => {
    const body = owned(msg.bodyParts?.get(ref.part) ?? new Uint8Array(0));
    const truncated = body.byteLength >= maxBytes && ref.size > maxBytes;
    hasMore ||= truncated;
    const input: TextPartInput = { part: ref.part, type: ref.type, body, truncated };
    if (ref.charset) input.charset = ref.charset;
    if (ref.encoding) input.encoding = ref.encoding;
    if (msg.binaryParts?.has(ref.part)) input.decoded = true;
    if (ref.format) input.format = ref.format;
    if (ref.delsp) input.delsp = ref.delsp;
    return input;
  });
  return { parts, hasMore };
}

export interface TextArgs { id: string; maxBytes: number; textType: TextType }

/** The text parts of `structure` that a textType asks for. */
const wantedParts = (structure: Structure, textType: TextType): TextPartRef[] =>
  [...(textType === 'html' ? [] : structure.plain), ...(textType === 'plain' ? [] : structure.html)];

export async function getMessage(ctx: OpContext, { ref, id, maxBytes, textType }: TextArgs & { ref: MessageRef }): Promise<FetchedMessage> {
  const path = pathOf(ctx, ref.mailbox, id);
  const got = await ctx.session.inMailbox(path, async (client, mailbox) => {
    const msg = await client.fetchOne(String(ref.uid), { ...ENTRY_QUERY, headers: true }, { uid: true });
    if (!msg) throw messageNotFound(id);
    const { entry, structure } = toEntry(msg, ref.mailbox, { specialUse: folderSpecialUse(mailbox) });
    const { parts, hasMore } = await fetchParts(client, ref.uid, wantedParts(structure, textType), maxBytes);
    return { entry, path, headers: owned(msg.headers ?? new Uint8Array(0)), parts, hasMore };
  }, { deadline: ctx.deadline, uid: ref.uid });
  // decoded with the connection free again: the next read's FETCH goes out meanwhile
  const decoded = await decodeIfSmall(ctx.session.queued, got.parts, got.headers);
  return decoded ? { entry: got.entry, path, decoded, hasMore: got.hasMore } : got;
}

export async function getText(ctx: OpContext, { ref, id, maxBytes, textType }: TextArgs & { ref: TextRef }): Promise<FetchedText> {
  const path = pathOf(ctx, ref.mailbox, id);
  const got = await ctx.session.inMailbox(path, async (client) => {
    const msg = await client.fetchOne(String(ref.uid), { uid: true, bodyStructure: true }, { uid: true });
    if (!msg) throw messageNotFound(id);
    // part metadata (charset, encoding) comes from the current structure, never from the id
    const { structure } = toEntry(msg, ref.mailbox);
    const wanted = new Set([...(textType === 'html' ? [] : ref.plain), ...(textType === 'plain' ? [] : ref.html)]);
    const refs = wantedParts(structure, textType).filter((p) => wanted.has(p.part));
    return fetchParts(client, ref.uid, refs, maxBytes);
  }, { deadline: ctx.deadline, uid: ref.uid });
  const decoded = await decodeIfSmall(ctx.session.queued, got.parts);
  return decoded ? { decoded, hasMore: got.hasMore } : got;
}
