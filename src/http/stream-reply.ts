// A route result that is a byte stream from a shard (attachment, raw source): headers first,
// then chunks written with uWS backpressure, granting the shard credit as the socket drains.
import type { MessagePort } from 'node:worker_threads';
import type { HttpResponse } from 'uWebSockets.js';
import type { StreamMeta } from '../protocol/ops.js';
import { receiveStream } from '../protocol/stream.js';

export class StreamReply {
  constructor(readonly meta: StreamMeta, readonly port: MessagePort) {}
}

/** RFC 6266 / RFC 5987 (the RFC 2231 profile for HTTP): ASCII fallback plus UTF-8 filename*. */
export function contentDisposition(kind: 'attachment' | 'inline', filename: string | undefined): string {
  if (!filename) return kind;
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** HEAD of a download: its headers (and length, when known) without fetching the bytes. */
export function writeStreamHead(res: HttpResponse, reply: StreamReply): void {
  reply.port.close();
  const { meta } = reply;
  res.cork(() => {
    res.writeStatus('200 OK').writeHeader('content-type', meta.contentType);
    res.writeHeader('content-disposition', contentDisposition(meta.disposition, meta.filename));
    if (meta.size !== undefined) res.writeHeader('content-length', String(meta.size));
    res.endWithoutBody();
  });
}

/** Pipe `reply` into `res`; `onAbort` registers what to do when the client goes away. */
export function writeStream(res: HttpResponse, reply: StreamReply, onAbort: (fn: () => void) => void): void {
  const { meta } = reply;
  let aborted = false;
  res.cork(() => {
    res.writeStatus('200 OK').writeHeader('content-type', meta.contentType);
    res.writeHeader('content-disposition', contentDisposition(meta.disposition, meta.filename));
  });
  const flow = receiveStream(reply.port, {
    chunk(data) {
      if (aborted) return;
      let ok = false;
      res.cork(() => { ok = res.write(data); });
      if (ok) flow.grant(1);
      else res.onWritable(() => { flow.grant(1); return true; });
    },
    end() {
      if (!aborted) res.cork(() => res.end());
    },
    error() {
      // the status line is out already: cutting the connection is the only honest signal left
      if (!aborted) res.close();
    },
  });
  onAbort(() => {
    aborted = true;
    flow.cancel();
  });
}
