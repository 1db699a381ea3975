// Before a submission is composed: the account's identity and, for a reply or forward, what
// the composer needs of the original (threading headers, addresses, subject; for a forward its
// files, and for an inline one its text), fetched once over the API connection.
import type { ImapFlow } from 'imapflow';
import { ApiError, messageNotFound, noSmtpSettings } from '../../errors.js';
import { ENTRY_QUERY, toEntry } from '../../messages/entry.js';
import { parseHeaders } from '../../parse/headers.js';
import type { ExtraAttachment } from '../../parse/types.js';
import type { ReferenceAction, ReferenceInfo, SubmitPrep } from '../../protocol/ops.js';
import type { MessageRef } from '../../ids.js';
import { pathOf, type OpContext } from './context.js';
import { fetchParts } from './get-message.js';

export interface PrepareArgs {
  reference?: { ref: MessageRef; id: string; action: ReferenceAction; inline: boolean };
  /** the largest message that may be sent: a forward's files count against it */
  maxBytes: number;
  /** for a submission (not an upload): the account needs SMTP settings */
  sending: boolean;
}

async function download(client: ImapFlow, uid: number, part: string, budget: { left: number }): Promise<Uint8Array> {
  const dl = await client.download(String(uid), part, { uid: true });
  const chunks: Buffer[] = [];
  for await (const chunk of dl.content as AsyncIterable<Buffer>) {
    budget.left -= chunk.length;
    if (budget.left < 0) throw new ApiError('PayloadTooLarge', 'The forwarded files are larger than the message size limit (--max-message-size)');
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function original(client: ImapFlow, path: string, ref: MessageRef, id: string, action: ReferenceAction, inline: boolean, maxBytes: number): Promise<ReferenceInfo> {
  const msg = await client.fetchOne(String(ref.uid), { ...ENTRY_QUERY, headers: ['references'] }, { uid: true });
  if (!msg) throw messageNotFound(id);
  const { entry, structure } = toEntry(msg, ref.mailbox);
  // a forward quotes the Date header (when it was written); the entry's date is when it arrived
  const written = msg.envelope?.date ? new Date(msg.envelope.date) : null;
  const date = written && !Number.isNaN(written.getTime()) ? written.toISOString() : entry.date;
  const info: ReferenceInfo = { path, uid: ref.uid, subject: entry.subject, date, attachments: [], parts: [] };
  const references = parseHeaders(msg.headers ?? new Uint8Array(0)).references?.join(' ');
  if (references) info.references = references;
  for (const key of ['messageId', 'inReplyTo', 'from', 'replyTo', 'to', 'cc'] as const) {
    if (entry[key] !== undefined) (info as unknown as Record<string, unknown>)[key] = entry[key];
  }
  if (action !== 'forward') return info;
  const budget = { left: maxBytes };
  for (const a of structure.attachments) {
    const file: ExtraAttachment = { contentType: a.contentType, content: await download(client, ref.uid, a.part, budget), inline: a.inline };
    if (a.filename) file.filename = a.filename;
    if (a.contentId) file.cid = a.contentId.replace(/^<|>$/g, '');
    info.attachments.push(file);
  }
  if (inline) info.parts = (await fetchParts(client, ref.uid, [...structure.plain, ...structure.html], maxBytes)).parts;
  return info;
}

/** The account's From address and own addresses; the referenced message when there is one. */
export async function prepareSubmit(ctx: OpContext, { reference, maxBytes, sending }: PrepareArgs): Promise<SubmitPrep> {
  if (sending && !ctx.identity.canSend) {
    throw noSmtpSettings(ctx.account);
  }
  const own = ctx.identity.addresses;
  const prep: SubmitPrep = { identity: own[0] ? { name: ctx.identity.name, address: own[0] } : null, own };
  if (!reference) return prep;
  const { ref, id, action, inline } = reference;
  const path = pathOf(ctx, ref.mailbox, id);
  prep.reference = await ctx.session.inMailbox(path, (client) => original(client, path, ref, id, action, inline, maxBytes), { deadline: ctx.deadline });
  return prep;
}
