// Attachment and raw-source downloads: the reply carries the metadata as soon as the server
// answers, the bytes follow over the stream port; the read turn is held until they are done.
import type { MessagePort } from 'node:worker_threads';
import type { Readable } from 'node:stream';
import type { ImapFlow } from 'imapflow';
import { messageNotFound } from '../../errors.js';
import type { AttachmentRef, MessageRef } from '../../ids.js';
import type { StreamMeta } from '../../protocol/ops.js';
import { pumpStream } from '../../protocol/stream.js';
import { findLeaf } from '../../messages/structure.js';
import { pathOf, type OpContext } from './context.js';

type Opener = (client: ImapFlow) => Promise<{ meta: StreamMeta; content: Readable } | null>;

function streamed(ctx: OpContext, path: string, id: string, uid: number, port: MessagePort, open: Opener): Promise<StreamMeta> {
  return new Promise((resolve, reject) => {
    ctx.session.inMailbox(path, async (client) => {
      const opened = await open(client);
      if (!opened) throw messageNotFound(id);
      resolve(opened.meta);
      await pumpStream(port, opened.content);
    }, { deadline: ctx.deadline, uid }).catch((err) => {
      port.close();
      reject(err);
    });
  });
}

export function openAttachment(ctx: OpContext, { ref, id, port }: { ref: AttachmentRef; id: string; port: MessagePort }): Promise<StreamMeta> {
  return streamed(ctx, pathOf(ctx, ref.mailbox, id), id, ref.uid, port, async (client) => {
    // IMAP answers an unknown part with empty content, not an error: check the structure first
    const msg = await client.fetchOne(String(ref.uid), { uid: true, bodyStructure: true }, { uid: true });
    if (!msg || !findLeaf(msg.bodyStructure, ref.part)) return null;
    // decodeText: false keeps text attachments byte-exact (no charset conversion)
    const dl = await client.download(String(ref.uid), ref.part, { uid: true, decodeText: false });
    if (!dl.content) return null;
    const meta: StreamMeta = { contentType: dl.meta.contentType ?? 'application/octet-stream', disposition: dl.meta.disposition === 'inline' ? 'inline' : 'attachment' };
    if (dl.meta.filename) meta.filename = dl.meta.filename;
    return { meta, content: dl.content };
  });
}

export function openSource(ctx: OpContext, { ref, id, port }: { ref: MessageRef; id: string; port: MessagePort }): Promise<StreamMeta> {
  return streamed(ctx, pathOf(ctx, ref.mailbox, id), id, ref.uid, port, async (client) => {
    const dl = await client.download(String(ref.uid), undefined, { uid: true });
    if (!dl.content) return null;
    const meta: StreamMeta = { contentType: 'message/rfc822', disposition: 'inline' };
    if (dl.meta.expectedSize) meta.size = dl.meta.expectedSize;
    return { meta, content: dl.content };
  });
}
