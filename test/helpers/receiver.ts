// A webhook receiver for tests: node:http on 127.0.0.1 that records every request (headers,
// raw body, arrival time, the status it got) and answers with a status the test chooses.
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** the raw body, exactly as received (what a signature covers) */
  body: string;
  /** the body parsed as JSON, or undefined */
  json: any;
  /** ms since epoch */
  at: number;
  /** the status this request was answered with */
  status: number;
}

/** Decides the status of request `n` (from 0); may wait first, to make the sender time out. */
export type Responder = (req: Received, n: number) => number | Promise<number>;

export interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  /** replace to change the answers from now on */
  respond: Responder;
  /** payloads of the requests answered 2xx, in arrival order */
  accepted(): any[];
  /** resolves once `pred(requests)` holds */
  waitFor(pred: (reqs: Received[]) => boolean, ms?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1:`port` (0 = any free port). */
export async function startReceiver(respond: Responder = () => 200, port = 0): Promise<Receiver> {
  const requests: Received[] = [];
  const receiver = { respond } as Receiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try { json = JSON.parse(body); } catch { /* not JSON */ }
      const entry: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json, at: Date.now(), status: 0 };
      const n = requests.push(entry) - 1;
      void Promise.resolve(receiver.respond(entry, n)).then((status) => {
        entry.status = status;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${bound}/hook`,
    port: bound,
    requests,
    accepted: () => requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.json),
    async waitFor(pred: (reqs: Received[]) => boolean, ms = 10_000, what = 'requests') {
      const until = Date.now() + ms;
      while (!pred(requests)) {
        if (Date.now() > until) throw new Error(`receiver: timed out after ${ms} ms waiting for ${what} (got ${requests.length})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}
