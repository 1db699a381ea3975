// Floor of a routed read: uWS on the main thread, the account id hashed to one of N worker
// threads, a postMessage there and back with a reply of the product's size, JSON written in
// res.cork — the least the product's front → shard → front hop can cost.
// Usage: node dist/bench/floors/uws-workers.js <port> <fixtures.json> <path of the reply> <workers>
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import uWS from 'uWebSockets.js';
import { loadFixtures } from './fixtures.js';

interface Ask { id: number; account: string }

if (isMainThread) {
  const [port = '0', file = '', replyPath = '', count = '2'] = process.argv.slice(2);
  const reply = JSON.parse(loadFixtures(file)[replyPath]!.body) as unknown;
  const workers = Array.from({ length: Number(count) }, () => new Worker(new URL(import.meta.url), { workerData: reply }));
  const pending = new Map<number, uWS.HttpResponse>();
  let next = 0;
  for (const w of workers) {
    w.on('message', (m: { id: number; result: unknown }) => {
      const res = pending.get(m.id);
      pending.delete(m.id);
      if (res) res.cork(() => res.writeStatus('200 OK').writeHeader('content-type', 'application/json; charset=utf-8').end(JSON.stringify(m.result)));
    });
  }
  const hash = (s: string) => { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return Math.abs(h); };
  uWS.App().get('/v1/account/:account', (res, req) => {
    const id = ++next;
    const account = req.getParameter(0) ?? '';
    res.onAborted(() => pending.delete(id));
    pending.set(id, res);
    workers[hash(account) % workers.length]!.postMessage({ id, account } satisfies Ask);
  }).listen('127.0.0.1', Number(port), (socket) => {
    if (!socket) process.exit(1);
    process.send?.('ready');
  });
} else {
  // the worker answers with a copy of the product's account view under the asked id
  const view = workerData as Record<string, unknown>;
  parentPort!.on('message', (m: Ask) => parentPort!.postMessage({ id: m.id, result: { ...view, account: m.account } }));
}
