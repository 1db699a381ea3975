// New-mail latency: APPEND by another client → messageNew on the WebSocket stream (and on a
// webhook receiver), beside the IMAP server's own push delay measured by a raw IDLE client
// in the same run. Env: TRIALS (100), RATES ("1,20" messages per second).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDovecot } from '../test/helpers/dovecot.js';
import { api, eventually, exampleAccount } from '../test/helpers/api.js';
import { appendSteadily, percentile } from '../test/helpers/latency.js';
import { removeDir, startServer } from '../test/helpers/server.js';
import { openStream } from '../test/helpers/stream.js';
import { header, table } from './lib/table.js';

const TRIALS = Number(process.env.TRIALS ?? 100);
const RATES = (process.env.RATES ?? '1,20').split(',').map(Number);

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

async function main(): Promise<void> {
  header(`APPEND → messageNew latency, ${TRIALS} trials per rate, rates ${RATES.join(', ')}/s`);
  const dovecot = await startDovecot();
  const server = await startServer({ args: ['--log-level', 'warn'] });
  const hook = await receiver();
  try {
    const settings = await api(server.url, 'PUT', '/v1/settings', { webhooks: hook.url, webhooksEnabled: true });
    const webhooks = settings.status === 200;
    const rows: (string | number)[][] = [];
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
      const run = await appendSteadily(login, TRIALS, rate);
      await eventually(async () => [...run.appendedAt.keys()].every((uid) => wsAt.has(uid)), 20_000, 'all events').catch(() => undefined);
      clearInterval(poll);
      stream.close();
      const uids = [...run.appendedAt.keys()];
      const lat = (at: Map<number, number>) => uids.filter((u) => at.has(u)).map((u) => at.get(u)! - run.appendedAt.get(u)!);
      const ws = lat(wsAt);
      const floor = lat(run.floorAt);
      const hooked = lat(hook.arrived.get(id) ?? new Map());
      const f = (v: number[], p: number) => (v.length ? percentile(v, p).toFixed(0) : '–');
      rows.push([`${rate}/s`, uids.length, f(floor, 0.5), f(floor, 0.95), f(ws, 0.5), f(ws, 0.95), webhooks ? f(hooked, 0.5) : 'n/a', webhooks ? f(hooked, 0.95) : 'n/a', `${ws.length}/${hooked.length}`]);
    }
    table(['rate', 'trials', 'IMAP push p50', 'p95', 'WebSocket p50', 'p95', 'webhook p50', 'p95', 'arrived ws/hook'], rows);
    console.log('milliseconds from the APPEND reply; the push floor is a raw imapflow client IDLE-ing on the same folder');
  } finally {
    hook.close();
    await server.stop();
    await dovecot.close();
    await removeDir(server.dataDir);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
