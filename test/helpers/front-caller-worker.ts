// A stand-in webhook worker for test/issue-14-webhook-restart.test.ts: once ready it asks the
// front for content (request id 1, as a fresh worker's first call is), and reports every reply
// to that call by asking again with the reply's data under account 'report'.
import { parentPort } from 'node:worker_threads';
import { PROTOCOL_VERSION } from '../../src/protocol/wire.js';

const port = parentPort!;
const options = { text: true, textSize: 0, headers: [] };
let next = 1;
const ask = (account: string, data: Record<string, unknown>) =>
  port.postMessage({ t: 'req', id: next++, account: null, op: 'eventContent', args: { account, data, options }, deadline: Date.now() + 30_000 });

port.on('message', (msg: { t: string; id?: number; ok?: boolean; result?: { data: Record<string, unknown> } }) => {
  // only the answer to the first call is reported (the report's own answer is not)
  if (msg.t === 'res' && msg.id === 1) ask('report', msg.ok ? msg.result!.data : { failed: true });
});
port.postMessage({ t: 'ctl', kind: 'ready', version: PROTOCOL_VERSION });
ask('ask', {});
