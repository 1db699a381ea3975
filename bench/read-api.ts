// Read API against its floor: list page 0, the oldest page, a random page and one-message get
// on a 10k folder, each next to one raw imapflow connection doing what a plain IMAP client
// would (NOOP and FETCH; for the message, mailparser on its text parts) in the same run. A page
// the server listed lately costs it a FETCH of flags only; a random page shows it cold.
// Env: RUNS (5), SECONDS (3), CONCURRENCY (16), MESSAGES (10000), PAGE_SIZE (20).
import { availableParallelism, loadavg } from 'node:os';
import type { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { ENTRY_QUERY } from '../src/messages/entry.js';
import { api, eventually, exampleAccount } from '../test/helpers/api.js';
import { startDovecot } from '../test/helpers/dovecot.js';
import { fillMaildir } from '../test/helpers/maildir.js';
import { imapClient, type ImapLogin } from '../test/helpers/seed.js';
import { removeDir, startServer } from '../test/helpers/server.js';
import { atLeast, atMost, runAlone, type Figure } from './lib/figures.js';
import { numberKnob } from './lib/knobs.js';
import { httpGetter, measure, type LoadResult } from './lib/load.js';
import { median } from './lib/table.js';

const env = (name: string, def: number) => numberKnob('read-api', name, def);
const RUNS = env('RUNS', 5);
const SECONDS = env('SECONDS', 3);
const CONCURRENCY = env('CONCURRENCY', 16);
const MESSAGES = env('MESSAGES', 10_000);
const PAGE_SIZE = env('PAGE_SIZE', 20);
const FOLDER = 'Big';
const ACCOUNT = 'bench-read';
// the server's default maxBytes for text parts (src/http/routes/messages.ts)
const MAX_BYTES = 5 << 20;
// the options the server's parser uses (src/parse/text.ts): each part decoded as itself only
const PARSE = { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true, keepCidLinks: true };
// bulkMessage's text parts (test/helpers/seed.ts), as the server reads them off BODYSTRUCTURE
const PART_HEAD = { '1.1': 'text/plain', '1.2': 'text/html' };

export const title = `Read API vs raw imapflow (1 connection, concurrency 1) — ${MESSAGES} messages, pageSize ${PAGE_SIZE}, API at 1 and ${CONCURRENCY} concurrent, ${SECONDS} s × ${RUNS} runs, medians`;

/** One workload, as an HTTP path for the API and as the equivalent commands for the floor. */
interface Scenario { name: string; path: () => string; raw: (client: ImapFlow) => Promise<boolean>; goals: { single: number | null; concurrent: number | null } }
interface Sample { api1: LoadResult; apiN: LoadResult; raw: LoadResult }

/** Sequence numbers of `page`, counted from the newest message. */
function pageRange(page: number): { from: number; to: number } {
  return { from: Math.max(1, MESSAGES - (page + 1) * PAGE_SIZE + 1), to: MESSAGES - page * PAGE_SIZE };
}

/** What a plain IMAP client (and the server, the first time) sends for a page: a NOOP first,
 *  since a kept selection sees other clients' changes only once synced (RFC 3501 §6.1.2), then
 *  the page's FETCH. True when the whole page came. */
async function rawPage(client: ImapFlow, page: number): Promise<boolean> {
  const { from, to } = pageRange(page);
  await client.noop();
  const got = [];
  for await (const msg of client.fetch(`${from}:${to}`, ENTRY_QUERY)) got.push(msg);
  return got.length === to - from + 1;
}

function listScenario(page: number): Scenario {
  return {
    name: `list page ${page}`,
    // the goals are for the newest page; the oldest is kept for the record
    goals: page === 0 ? { single: 1.2, concurrent: 1.0 } : { single: null, concurrent: null },
    path: () => `/v1/account/${ACCOUNT}/messages?path=${FOLDER}&page=${page}&pageSize=${PAGE_SIZE}`,
    raw: (client) => rawPage(client, page),
  };
}

/** A page picked at random each time, so the server has seldom listed it before (no goal: for the record). */
function randomPageScenario(): Scenario {
  const pick = () => Math.floor(Math.random() * Math.ceil(MESSAGES / PAGE_SIZE));
  return {
    name: 'list a random page',
    goals: { single: null, concurrent: null },
    path: () => `/v1/account/${ACCOUNT}/messages?path=${FOLDER}&page=${pick()}&pageSize=${PAGE_SIZE}`,
    raw: (client) => rawPage(client, pick()),
  };
}

/** Each fetched text part decoded by mailparser as a one-part document, as the server's parser does. */
async function parseParts(parts: Map<string, Buffer>): Promise<boolean> {
  const texts = await Promise.all([...parts].map(async ([key, body]) => {
    const type = PART_HEAD[key as keyof typeof PART_HEAD] ?? 'text/plain';
    const doc = Buffer.concat([Buffer.from(`Content-Type: ${type}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n`), body]);
    const mail = await simpleParser(doc, PARSE);
    return type === 'text/html' ? mail.html : mail.text;
  }));
  return texts.every((t) => typeof t === 'string' && t.length > 0);
}

/** What getMessage does: the entry with headers, then the text parts (1.1 plain, 1.2 html in bulk mail), parsed. */
function getScenario(messages: { id: string; uid: number }[]): Scenario {
  const pick = () => messages[Math.floor(Math.random() * messages.length)]!;
  return {
    name: 'get message (parsed)',
    goals: { single: 1.5, concurrent: null },
    path: () => `/v1/account/${ACCOUNT}/message/${pick().id}`,
    raw: async (client) => {
      const uid = String(pick().uid);
      const head = await client.fetchOne(uid, { ...ENTRY_QUERY, headers: true }, { uid: true });
      if (!head) return false;
      const body = await client.fetchOne(uid, { uid: true, bodyParts: [{ key: '1.1', maxLength: MAX_BYTES }, { key: '1.2', maxLength: MAX_BYTES }] }, { uid: true });
      return body !== false && body.bodyParts?.size === 2 && parseParts(body.bodyParts);
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

function figuresOf(s: Scenario, samples: Sample[]): Figure[] {
  const med = (f: (x: Sample) => number) => median(samples.map(f));
  const sum = (f: (x: Sample) => number) => samples.reduce((n, x) => n + f(x), 0);
  const raw = { rawRps: med((x) => x.raw.rps), rawP50: med((x) => x.raw.p50), rawP99: med((x) => x.raw.p99), rawErrors: sum((x) => x.raw.errors) };
  const side = (k: 'api1' | 'apiN') => ({ apiRps: med((x) => x[k].rps), apiP50: med((x) => x[k].p50), apiP99: med((x) => x[k].p99), apiErrors: sum((x) => x[k].errors), ...raw });
  // per-run ratios, so drift between runs cancels out
  return [
    atMost(`${s.name}, one request at a time (p50)`, 'ms', med((x) => x.api1.p50), raw.rawP50, s.goals.single, { ratio: med((x) => x.api1.p50 / x.raw.p50), detail: side('api1') }),
    atLeast(`${s.name}, ${CONCURRENCY} concurrent vs raw at 1`, 'req/s', med((x) => x.apiN.rps), raw.rawRps, s.goals.concurrent, { ratio: med((x) => x.apiN.rps / x.raw.rps), detail: side('apiN') }),
  ];
}

async function bench(base: string, login: ImapLogin): Promise<Figure[]> {
  await api(base, 'POST', '/v1/account', exampleAccount(ACCOUNT, login));
  await eventually(async () => (await api(base, 'GET', `/v1/account/${ACCOUNT}`)).body.state === 'connected', 60_000, 'account connected');
  const ids = await listIds(base);
  const scenarios = [listScenario(0), listScenario(Math.ceil(MESSAGES / PAGE_SIZE) - 1), randomPageScenario(), getScenario(ids)];
  const raw = await imapClient(login);
  try {
    // the server keeps the folder selected on its read connection; so does the floor
    await raw.mailboxOpen(FOLDER, { readOnly: true });
    for (const s of scenarios) await sample(s, base, raw, 1); // warm-up: connections, pools, JIT, Dovecot caches
    const samples = scenarios.map((): Sample[] => []);
    for (let i = 0; i < RUNS; i++) for (const [k, s] of scenarios.entries()) samples[k]!.push(await sample(s, base, raw, SECONDS));
    console.log(`read-api: load ${loadavg()[0]!.toFixed(2)} at the end; this client, the server and Dovecot share ${availableParallelism()} cores`);
    return scenarios.flatMap((s, k) => figuresOf(s, samples[k]!));
  } finally {
    await raw.logout().catch(() => raw.close());
  }
}

export async function figures(): Promise<Figure[]> {
  const dovecot = await startDovecot();
  try {
    const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('bench'), pass: dovecot.password };
    const t0 = performance.now();
    await fillMaildir(dovecot, login, FOLDER, MESSAGES);
    console.log(`read-api: filled ${FOLDER} with ${MESSAGES} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const server = await startServer({ args: ['--log-level', 'warn'] });
    try {
      return await bench(server.url, login);
    } finally {
      await server.stop();
      await removeDir(server.dataDir);
    }
  } finally {
    await dovecot.close();
  }
}

runAlone(import.meta.url, 'read-api', title, figures);
