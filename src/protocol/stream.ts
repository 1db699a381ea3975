// Byte streams between threads over a dedicated MessagePort, with credit-based flow control:
// the sender sends a chunk only while it holds credit, the receiver grants credit as the
// HTTP socket drains, so a slow client never makes a shard buffer a whole attachment.
import type { MessagePort } from 'node:worker_threads';
import type { Readable } from 'node:stream';
import { ApiError, fromWire, toWire, type WireError } from '../errors.js';
import { owned } from './transfer.js';

export type StreamMsg =
  | { t: 'chunk'; data: Uint8Array }
  | { t: 'end' }
  | { t: 'error'; error: WireError };
export type StreamControl = { t: 'credit'; n: number } | { t: 'cancel' };

/** Chunks the sender may have in flight before the first grant. */
export const INITIAL_CREDIT = 4;

/** Sender side: pump `source` into `port`; resolves when it ended, failed or was cancelled. */
export function pumpStream(port: MessagePort, source: Readable): Promise<void> {
  let credit = INITIAL_CREDIT;
  return new Promise((resolve) => {
    let done = false;
    const finish = (last?: StreamMsg) => {
      if (done) return;
      done = true;
      if (last) port.postMessage(last);
      port.close();
      source.destroy();
      resolve();
    };
    port.on('message', (msg: StreamControl) => {
      if (msg.t === 'cancel') return finish();
      credit += msg.n;
      if (credit > 0 && source.isPaused()) source.resume();
    });
    port.on('close', () => finish());
    source.on('data', (chunk: Buffer) => {
      const data = owned(chunk);
      port.postMessage({ t: 'chunk', data } satisfies StreamMsg, [data.buffer as ArrayBuffer]);
      if (--credit <= 0) source.pause();
    });
    source.on('end', () => finish({ t: 'end' }));
    source.on('error', (err) => finish({ t: 'error', error: toWire(new ApiError('UpstreamRejected', `IMAP download failed: ${err.message}`)) }));
  });
}

export interface StreamSink {
  chunk(data: Uint8Array): void;
  end(): void;
  error(err: ApiError): void;
}

/** Receiver side: feeds `sink`; call grant() as chunks are written out, cancel() on abort. */
export function receiveStream(port: MessagePort, sink: StreamSink): { grant(n?: number): void; cancel(): void } {
  let open = true;
  const close = () => { open = false; port.close(); };
  // the sending thread died mid-stream: its end of the channel closes without an 'end'
  port.on('close', () => {
    if (!open) return;
    open = false;
    sink.error(new ApiError('ShardUnavailable', 'The stream was cut off; retry'));
  });
  port.on('message', (msg: StreamMsg) => {
    if (msg.t === 'chunk') return sink.chunk(msg.data);
    close();
    if (msg.t === 'end') sink.end();
    else sink.error(fromWire(msg.error));
  });
  return {
    grant: (n = 1) => { if (open) port.postMessage({ t: 'credit', n } satisfies StreamControl); },
    cancel: () => { if (open) { port.postMessage({ t: 'cancel' } satisfies StreamControl); close(); } },
  };
}
