// Storing a message in a folder (APPEND). The folder is opened first, so a missing one is a
// 404 and, without UIDPLUS, imapflow can still learn the new UID from the sequence number.
import { encodeMessageId } from '../../ids.js';
import type { MessageUploadResult } from '../../schemas/write.js';
import { mailboxIdOf, type OpContext } from './context.js';

export interface UploadArgs {
  path: string;
  flags: string[];
  raw: Uint8Array;
  /** INTERNALDATE, ISO */
  date?: string;
}

export async function uploadMessage(ctx: OpContext, { path, flags, raw, date }: UploadArgs): Promise<MessageUploadResult> {
  const res = await ctx.session.inMailbox(path, async (client, _mb, { must, live }) => {
    live();
    const content = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    return must(await client.append(path, content, flags, date ? new Date(date) : undefined), 'store the message', path);
    // a write (SELECT, and never tried again on a new connection: the first APPEND may have been stored)
  }, { deadline: ctx.deadline, write: true });
  ctx.touched([path]);
  const out: MessageUploadResult = { path };
  if (res.uid) {
    out.uid = res.uid;
    out.id = encodeMessageId({ mailbox: await mailboxIdOf(ctx, path), uid: res.uid });
  }
  if (res.seq) out.seq = res.seq;
  return out;
}
