// New-mail latency: APPEND by another client → messageNew on the WebSocket stream (and on a
// webhook receiver), beside the IMAP server's own push delay measured by a raw IDLE client
// in the same run. Env: TRIALS (100), RATES ("1,20" messages per second), BUSY (0; 1 runs wrk
// on routed GET /v1/account/:account, 16 connections, beside every trial: a machine under load).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDovecot } from '../test/helpers/dovecot.js';
import { api, eventually, exampleAccount } from '../test/helpers/api.js';
import { appendSteadily, percentile } from '../test/helpers/latency.js';
import { removeDir, startServer } from '../test/helpers/server.js';
import { openStream } from '../test/helpers/stream.js';
import { addedAtMost, runAlone, type Figure } from './lib/figures.js';
import { knob, numberKnob } from './lib/knobs.js';

const TRIALS = numberKnob('latency', 'TRIALS', 100);
const RATES = (knob('latency', 'RATES') ?? '1,20').split(',').map(Number);
const BUSY = knob('latency', 'BUSY') === '1';

export const title = `APPEND → messageNew latency, ${TRIALS} trials per rate, rates ${RATES.join(', ')}/s, ms from the APPEND reply beside a raw imapflow IDLE client on the same folder${BUSY ? ', machine busy with wrk on routed GETs' : ''}`;

/** CPU load beside the trials: wrk on a routed GET of the product until killed (loopback only). */
function busyLoad(base: string, path: string, seconds: number): ChildProcess {
  if (!['127.0.0.1', 'localhost'].includes(new URL(base).hostname)) throw new Error('benchmarks target loopback only');
  const child = spawn('wrk', ['-t', '1', '-c', '16', '-d', `${seconds}s`, `${base}${path}`], { stdio: 'ignore' });
  child.on('error', (err) => console.log(`latency: BUSY needs wrk (${err.message})`));
  return child;
}

/** The bounds on the milliseconds added over the IMAP push, by rate; none at other rates. */
const GOALS: Record<number, { p50: number | null; p95: number | null }> = { 1: { p50: 10, p95: null }, 20: { p50: 20, p95: 100 } };
const pct = (v: number[], q: number) => (v.length ? percentile(v, q) : NaN);

function latencyFigures(rate: number, consumer: string, product: number[], floor: number[], trials: number): Figure[] {
  const goals = GOALS[rate] ?? { p50: null, p95: null };
  const detail = { trials, arrived: product.length, floorArrived: floor.length };
  return ([['p50', 0.5, goals.p50], ['p95', 0.95, goals.p95]] as const).map(([label, q, ms]) =>
    addedAtMost(`APPEND → ${consumer} at ${rate} msg/s${BUSY ? ', busy' : ''}, ${label}`, pct(product, q), pct(floor, q), ms, label, { detail }));
}

/** A loopback webhook receiver noting when each messageNew arrived, by account then UID. */
async function receiver(): Promise<{ url: string; arrived: Map<string, Map<number, number>>; close(): void }> {
  const arrived = new Map<string, Map<number, number>>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => {
      const now = performance.now();
      try {
        const e = JSON.parse(body) as { account: string; event: string; data: { uid?: number } };
        if (!arrived.has(e.account)) arrived.set(e.account, new Map());
        const seen = arrived.get(e.account)!;
        if (e.event === 'messageNew' && e.data.uid !== undefined && !seen.has(e.data.uid)) seen.set(e.data.uid, now);
      } catch { /* not ours */ }
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, arrived, close: () => server.close() };
}

export async function figures(): Promise<Figure[]> {
  const dovecot = await startDovecot();
  const server = await startServer({ args: ['--log-level', 'warn'] });
  const hook = await receiver();
  try {
    const settings = await api(server.url, 'PUT', '/v1/settings', { webhooks: hook.url, webhooksEnabled: true });
    const webhooks = settings.status === 200;
    if (!webhooks) console.log(`latency: PUT /v1/settings answered ${settings.status}; no webhook figures`);
    const out: Figure[] = [];
    for (const rate of RATES) {
      const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user(`lat${rate}`), pass: dovecot.password };
      const id = `lat-${rate}`;
      await api(server.url, 'POST', '/v1/account', exampleAccount(id, login));
      await eventually(async () => (await api(server.url, 'GET', `/v1/account/${id}`)).body.state === 'connected', 20_000);
      const stream = await openStream(server.url, `account=${id}`);
      const wsAt = new Map<number, number>();
      let scanned = 0;
      const poll = setInterval(() => {
        for (; scanned < stream.events.length; scanned++) {
          const e = stream.events[scanned]!;
          if (e.event === 'messageNew' && !wsAt.has(e.data.uid)) wsAt.set(e.data.uid, performance.now());
        }
      }, 1);
      const load = BUSY ? busyLoad(server.url, `/v1/account/${id}`, Math.ceil(TRIALS / rate) + 30) : null;
      const run = await appendSteadily(login, TRIALS, rate).finally(() => load?.kill());
      await eventually(async () => [...run.appendedAt.keys()].every((uid) => wsAt.has(uid)), 20_000, 'all events').catch(() => undefined);
      clearInterval(poll);
      stream.close();
      const uids = [...run.appendedAt.keys()];
      const lat = (at: Map<number, number>) => uids.filter((u) => at.has(u)).map((u) => at.get(u)! - run.appendedAt.get(u)!);
      const ws = lat(wsAt);
      const floor = lat(run.floorAt);
      const hooked = lat(hook.arrived.get(id) ?? new Map());
      out.push(...latencyFigures(rate, 'WebSocket', ws, floor, uids.length));
      if (webhooks) out.push(...latencyFigures(rate, 'webhook', hooked, floor, uids.length));
    }
    return out;
  } finally {
    hook.close();
    await server.stop();
    await dovecot.close();
    await removeDir(server.dataDir);
  }
}

runAlone(import.meta.url, 'latency', title, figures);
