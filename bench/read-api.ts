// Read API against its floor: list page 0, the oldest page and one-message get on a 10k folder,
// each next to one raw imapflow connection doing the same IMAP commands in the same run.
// Env: RUNS (5), SECONDS (3), CONCURRENCY (8), MESSAGES (10000), PAGE_SIZE (20).
import { availableParallelism, loadavg } from 'node:os';
import type { ImapFlow } from 'imapflow';
import { ENTRY_QUERY } from '../src/messages/entry.js';
import { api, eventually, exampleAccount } from '../test/helpers/api.js';
import { startDovecot } from '../test/helpers/dovecot.js';
import { fillMaildir } from '../test/helpers/maildir.js';
import { imapClient, type ImapLogin } from '../test/helpers/seed.js';
import { removeDir, startServer } from '../test/helpers/server.js';
import { httpGetter, measure, type LoadResult } from './lib/load.js';
import { header, median, table } from './lib/table.js';

const env = (name: string, def: number) => Number(process.env[name] ?? def);
const RUNS = env('RUNS', 5);
const SECONDS = env('SECONDS', 3);
const CONCURRENCY = env('CONCURRENCY', 8);
const MESSAGES = env('MESSAGES', 10_000);
const PAGE_SIZE = env('PAGE_SIZE', 20);
const FOLDER = 'Big';
const ACCOUNT = 'bench-read';
// the server's default maxBytes for text parts (src/http/routes/messages.ts)
const MAX_BYTES = 5 << 20;

/** One workload, as an HTTP path for the API and as the equivalent commands for the floor. */
interface Scenario { name: string; path: () => string; raw: (client: ImapFlow) => Promise<boolean> }
interface Sample { api1: LoadResult; apiN: LoadResult; raw: LoadResult }

/** What listMessages FETCHes for `page`: sequence numbers counted from the newest. */
function listScenario(page: number): Scenario {
  const from = Math.max(1, MESSAGES - (page + 1) * PAGE_SIZE + 1);
  const to = MESSAGES - page * PAGE_SIZE;
  const range = `${from}:${to}`;
  return {
    name: `list page ${page}`,
    path: () => `/v1/account/${ACCOUNT}/messages?path=${FOLDER}&page=${page}&pageSize=${PAGE_SIZE}`,
    raw: async (client) => {
      const got = [];
      for await (const msg of client.fetch(range, ENTRY_QUERY)) got.push(msg);
      return got.length === to - from + 1;
    },
  };
}

/** What getMessage does: the entry with headers, then the text parts (1.1 plain, 1.2 html in bulk mail). */
function getScenario(messages: { id: string; uid: number }[]): Scenario {
  const pick = () => messages[Math.floor(Math.random() * messages.length)]!;
  return {
    name: 'get message',
    path: () => `/v1/account/${ACCOUNT}/message/${pick().id}`,
    raw: async (client) => {
      const uid = String(pick().uid);
      const head = await client.fetchOne(uid, { ...ENTRY_QUERY, headers: true }, { uid: true });
      if (!head) return false;
      const body = await client.fetchOne(uid, { uid: true, bodyParts: [{ key: '1.1', maxLength: MAX_BYTES }, { key: '1.2', maxLength: MAX_BYTES }] }, { uid: true });
      return body !== false && body.bodyParts?.size === 2;
    },
  };
}

/** Every message's id and UID through the list API, 1000 (its maximum page size) at a time. */
async function listIds(base: string): Promise<{ id: string; uid: number }[]> {
  const out: { id: string; uid: number }[] = [];
  for (let page = 0; page * 1000 < MESSAGES; page++) {
    const res = await api<{ messages: { id: string; uid: number }[] }>(base, 'GET', `/v1/account/${ACCOUNT}/messages?path=${FOLDER}&page=${page}&pageSize=1000`);
    if (res.status !== 200) throw new Error(`listing ids: ${res.status} ${JSON.stringify(res.body)}`);
    out.push(...res.body.messages.map(({ id, uid }) => ({ id, uid })));
  }
  if (out.length !== MESSAGES) throw new Error(`listing ids: got ${out.length} of ${MESSAGES}`);
  return out;
}

async function sample(s: Scenario, base: string, raw: ImapFlow, seconds: number): Promise<Sample> {
  // the floor first, then the API at 1 and at CONCURRENCY: all three see the same Dovecot state
  const rawResult = await measure(() => s.raw(raw), { concurrency: 1, seconds });
  const run = async (concurrency: number) => {
    const http = httpGetter(base, concurrency);
    try { return await measure(() => http.get(s.path()), { concurrency, seconds }); } finally { await http.close(); }
  };
  return { raw: rawResult, api1: await run(1), apiN: await run(CONCURRENCY) };
}

function rows(s: Scenario, samples: Sample[]): (string | number)[][] {
  const med = (f: (x: Sample) => number) => median(samples.map(f));
  const raw = [Math.round(med((x) => x.raw.rps)), med((x) => x.raw.p50).toFixed(2), med((x) => x.raw.p99).toFixed(2)];
  const sum = (f: (x: Sample) => number) => samples.reduce((n, x) => n + f(x), 0);
  return (['api1', 'apiN'] as const).map((k) => [
    s.name, k === 'api1' ? 1 : CONCURRENCY,
    Math.round(med((x) => x[k].rps)), med((x) => x[k].p50).toFixed(2), med((x) => x[k].p99).toFixed(2),
    ...raw,
    // per-run ratios, so drift between runs cancels out
    med((x) => x[k].rps / x.raw.rps).toFixed(2),
    `${sum((x) => x[k].errors)}/${sum((x) => x.raw.errors)}`,
  ]);
}

async function bench(base: string, login: ImapLogin): Promise<void> {
  await api(base, 'POST', '/v1/account', exampleAccount(ACCOUNT, login));
  await eventually(async () => (await api(base, 'GET', `/v1/account/${ACCOUNT}`)).body.state === 'connected', 60_000, 'account connected');
  const ids = await listIds(base);
  const scenarios = [listScenario(0), listScenario(Math.ceil(MESSAGES / PAGE_SIZE) - 1), getScenario(ids)];
  const raw = await imapClient(login);
  try {
    // the server keeps the folder selected on its read connection; so does the floor
    await raw.mailboxOpen(FOLDER, { readOnly: true });
    for (const s of scenarios) await sample(s, base, raw, 1); // warm-up: connections, pools, JIT, Dovecot caches
    const samples = scenarios.map((): Sample[] => []);
    for (let i = 0; i < RUNS; i++) for (const [k, s] of scenarios.entries()) samples[k]!.push(await sample(s, base, raw, SECONDS));
    table(['scenario', 'API conc', 'API req/s', 'API p50 ms', 'API p99 ms', 'raw req/s', 'raw p50 ms', 'raw p99 ms', 'API/raw req/s', 'errors API/raw'],
      scenarios.flatMap((s, k) => rows(s, samples[k]!)));
    console.log(`load ${loadavg()[0]!.toFixed(2)} at the end; this client, the server and Dovecot share ${availableParallelism()} cores`);
  } finally {
    await raw.logout().catch(() => raw.close());
  }
}

async function main(): Promise<void> {
  header(`Read API vs raw imapflow (1 connection, concurrency 1) — ${MESSAGES} messages, pageSize ${PAGE_SIZE}, ${SECONDS} s × ${RUNS} runs, medians`);
  const dovecot = await startDovecot();
  try {
    const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('bench'), pass: dovecot.password };
    const t0 = performance.now();
    await fillMaildir(dovecot, login, FOLDER, MESSAGES);
    console.log(`filled ${FOLDER} with ${MESSAGES} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const server = await startServer({ args: ['--log-level', 'warn'] });
    try {
      await bench(server.url, login);
    } finally {
      await server.stop();
      await removeDir(server.dataDir);
    }
  } finally {
    await dovecot.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
