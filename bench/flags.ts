// Latency of one flag change, PUT /v1/account/:account/message/:message (\Flagged added, then
// removed), one request at a time; beside the raw imapflow UID STORE of the same flag on an open
// connection to the same Dovecot in the same run. Env: RUNS (3), REQUESTS (500).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { start } from '../src/main.js';
import { api, eventually } from '../test/helpers/api.js';
import { startDovecot } from '../test/helpers/dovecot.js';
import { appendMessages, imapClient } from '../test/helpers/seed.js';
import { removeDir } from '../test/helpers/server.js';
import { header, median, table } from './lib/table.js';

const RUNS = Number(process.env.RUNS ?? 3);
const REQUESTS = Number(process.env.REQUESTS ?? 500);

function percentiles(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! };
}

async function timed(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  header(`flag change latency: ${REQUESTS} sequential requests per run, ${RUNS} runs, loopback Dovecot`);
  const dovecot = await startDovecot();
  const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('flags'), pass: dovecot.password };
  const [seeded] = await appendMessages(login, 'Bench', 1);
  const dataDir = await mkdtemp(join(tmpdir(), 'imapapi-bench-flags-'));
  const parsed = loadConfig(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {});
  if (parsed.help) throw new Error('unexpected --help');
  const server = await start(parsed.config);
  const raw = await imapClient(login);
  try {
    await api(server.url, 'POST', '/v1/account', { account: 'f', imap: { host: login.host, port: login.port, auth: { user: login.user, pass: login.pass } } });
    await eventually(async () => (await api(server.url, 'GET', '/v1/account/f')).body.state === 'connected', 15_000, 'connected');
    const id = (await api(server.url, 'GET', '/v1/account/f/messages?path=Bench')).body.messages[0].id as string;
    const lock = await raw.getMailboxLock('Bench');
    const product: { p50: number; p99: number }[] = [];
    const floor: { p50: number; p99: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      product.push(percentiles(await timed(REQUESTS, async (i) => {
        const res = await api(server.url, 'PUT', `/v1/account/f/message/${id}`, { flags: i % 2 ? { delete: ['\\Flagged'] } : { add: ['\\Flagged'] } });
        if (res.status !== 200) throw new Error(`PUT: ${res.status} ${JSON.stringify(res.body)}`);
      })));
      floor.push(percentiles(await timed(REQUESTS, async (i) => {
        const ok = i % 2 ? await raw.messageFlagsRemove(String(seeded!.uid), ['\\Flagged'], { uid: true }) : await raw.messageFlagsAdd(String(seeded!.uid), ['\\Flagged'], { uid: true });
        if (!ok) throw new Error('STORE failed');
      })));
    }
    lock.release();
    const med = (xs: { p50: number; p99: number }[], k: 'p50' | 'p99') => median(xs.map((x) => x[k])).toFixed(2);
    table(['what', 'p50 ms (median of runs)', 'p99 ms'], [
      ['PUT …/message/:id (flags)', med(product, 'p50'), med(product, 'p99')],
      ['imapflow UID STORE (floor)', med(floor, 'p50'), med(floor, 'p99')],
    ]);
  } finally {
    await raw.logout().catch(() => undefined);
    await server.close();
    await dovecot.close();
    await removeDir(dataDir);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
