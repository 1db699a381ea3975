// Webhook delivery throughput: a backlog appended to the event log, the worker woken as the
// front wakes it, timed until a loopback receiver has answered the last request; beside a
// plain undici floor. Env: RUNS (5), EVENTS (20000), ACCOUNTS ("1,10,100,1000"), SIGNED (1).
import { createServer } from 'node:http';
import { Agent, request } from 'undici';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import type { NewEvent } from '../src/events/types.js';
import { start } from '../src/main.js';
import { openEnv } from '../src/store/env.js';
import { EventLog } from '../src/store/events.js';
import { envelopeOf } from '../src/webhooks/policy.js';
import { sign } from '../src/webhooks/sign.js';
import { api } from '../test/helpers/api.js';
import { removeDir } from '../test/helpers/server.js';
import { atLeast, runAlone, type Figure } from './lib/figures.js';
import { knob, numberKnob } from './lib/knobs.js';
import { median } from './lib/table.js';

// Events are written with EventLog.append as a shard writes them, and the worker is woken with
// server.webhooks.wake(head), the call the front makes on a shard's commit notice. The clock
// runs from the first append to the receiver's last 200. The floor POSTs the same bodies with
// plain undici, 32 in flight, no log, cursors or worker, from the thread running the receiver.
const RUNS = numberKnob('webhooks', 'RUNS', 5);
const EVENTS = numberKnob('webhooks', 'EVENTS', 20_000);
const ACCOUNTS = (knob('webhooks', 'ACCOUNTS') ?? '1,10,100,1000').split(',').map(Number);
const SIGNED = knob('webhooks', 'SIGNED') !== '0';
const BATCH = 1000;
const SECRET = 'bench-signing-secret-0123';
/** the webhook worker's cap on requests in flight */
const CONCURRENCY = 32;
/** the goal (≥ 0.8× the floor) is set at this many accounts; the floor's bodies name as many */
const GOAL_ACCOUNTS = 100;

export const title = `webhook delivery: ${EVENTS} events per run, ${RUNS} runs, accounts ${ACCOUNTS.join(', ')}, ${SIGNED ? 'signed' : 'unsigned'}, loopback receiver, floor plain undici ${CONCURRENCY} in flight`;

/** Counts requests per run and checks per-account order (ids must grow within an account). */
async function receiver() {
  const state = { received: 0, outOfOrder: 0, done: () => {}, want: Infinity, last: new Map<string, number>() };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => {
      res.end('ok');
      const { account, id } = JSON.parse(body) as { account: string; id: string };
      if (Number(id) <= (state.last.get(account) ?? 0)) state.outOfOrder++;
      state.last.set(account, Number(id));
      if (++state.received === state.want) state.done();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => server.close() };
}

/** Plain undici: the same signed bodies, CONCURRENCY in flight, nothing else; median/min/max events/s. */
async function floor(url: string): Promise<[number, number, number]> {
  const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < EVENTS; i = next++) {
        const env = envelopeOf({ id: i + 1, account: `floor-${i % GOAL_ACCOUNTS}`, path: 'INBOX', event: 'messageNew', data: { uid: i, subject: `bench ${i}` }, date: new Date().toISOString() });
        const headers = SIGNED ? { ...env.headers, 'x-imapapi-signature': sign(SECRET, env.body) } : env.headers;
        const res = await request(url, { method: 'POST', headers, body: env.body, dispatcher: agent });
        await res.body.dump();
      }
    }));
    rates.push(EVENTS / ((performance.now() - t0) / 1000));
  }
  await agent.close();
  return [Math.round(median(rates)), Math.round(Math.min(...rates)), Math.round(Math.max(...rates))];
}

export async function figures(): Promise<Figure[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'imapapi-bench-webhooks-'));
  const parsed = loadConfig(['--port', '0', '--data-dir', dataDir, '--shards', '1', '--log-level', 'warn'], {});
  if (parsed.help) throw new Error('unexpected --help');
  const server = await start(parsed.config);
  const hook = await receiver();
  const env = openEnv(dataDir);
  const log = new EventLog(env.root);
  try {
    const put = await api(server.url, 'PUT', '/v1/settings', { webhooks: hook.url, ...(SIGNED ? { secret: SECRET } : {}) });
    if (put.status !== 200) throw new Error(`PUT /v1/settings: ${put.status} ${JSON.stringify(put.body)}`);
    const rows: { accounts: number; rates: number[]; outOfOrder: number }[] = [];
    for (const accounts of ACCOUNTS) {
      const rates: number[] = [];
      let outOfOrder = 0;
      for (let run = 0; run < RUNS; run++) {
        const events: NewEvent[] = Array.from({ length: EVENTS }, (_, i) => ({
          account: `r${run}-n${accounts}-a${i % accounts}`, path: 'INBOX', event: 'messageNew', data: { uid: i, subject: `bench ${i}` },
        }));
        const arrived = new Promise<void>((resolve) => { hook.state.done = resolve; });
        hook.state.received = 0;
        hook.state.want = EVENTS;
        hook.state.outOfOrder = 0;
        const t0 = performance.now();
        let head = 0;
        for (let i = 0; i < EVENTS; i += BATCH) head = (await log.append(events.slice(i, i + BATCH))).at(-1)!.id;
        server.webhooks.wake(head);
        await arrived;
        rates.push(EVENTS / ((performance.now() - t0) / 1000));
        outOfOrder += hook.state.outOfOrder;
      }
      rows.push({ accounts, rates, outOfOrder });
    }
    const [floorRate, floorMin, floorMax] = await floor(hook.url);
    return rows.map(({ accounts, rates, outOfOrder }) => {
      const detail = { events: EVENTS, min: Math.round(Math.min(...rates)), max: Math.round(Math.max(...rates)), floorMin, floorMax, outOfOrder };
      const f = atLeast(`webhook delivery, ${accounts} accounts`, 'events/s', Math.round(median(rates)), floorRate, accounts === GOAL_ACCOUNTS ? 0.8 : null, { detail });
      // deliveries out of order within an account fail the figure whatever the speed
      if (outOfOrder > 0) f.ok = false;
      return f;
    });
  } finally {
    hook.close();
    await server.close();
    await env.close();
    await removeDir(dataDir);
  }
}

runAlone(import.meta.url, 'webhooks', title, figures);
