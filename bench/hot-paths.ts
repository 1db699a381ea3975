// The request hot paths beside their floors, measured in the same run and interleaved run by
// run: front-only routes (/health, a 404, a validation 400) against a bare uWS app writing the
// same bytes, and the routed GET /v1/account/:account (open and with an API token) against
// uWS → postMessage → worker → reply. wrk, medians over RUNS; JSON under bench/results/.
// Env: RUNS (3), SECONDS (5), CONNECTIONS (64), ACCOUNTS (20), SHARDS (2), PROFILE=1 (cpu profiles).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDovecot } from '../test/helpers/dovecot.js';
import { api, eventually, exampleAccount } from '../test/helpers/api.js';
import { freePort } from '../test/helpers/free-port.js';
import { removeDir, startServer } from '../test/helpers/server.js';
import { capture } from './floors/fixtures.js';
import { atLeast, boundedBy, runAlone, type Figure } from './lib/figures.js';
import { numberKnob } from './lib/knobs.js';
import { wrk, type LoadResult } from './lib/load.js';
import { median } from './lib/table.js';

const env = (name: string, def: number) => numberKnob('hot-paths', name, def);
const RUNS = env('RUNS', 3);
const SECONDS = env('SECONDS', 5);
const CONNECTIONS = env('CONNECTIONS', 64);
const ACCOUNTS = env('ACCOUNTS', 20);
const SHARDS = env('SHARDS', 2);

export const title = `hot paths — wrk -c${CONNECTIONS}, ${SECONDS} s × ${RUNS} runs interleaved with their floors, ${ACCOUNTS} accounts, ${SHARDS} shards`;

async function startFloor(script: string, args: string[]): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const child = fork(fileURLToPath(new URL(`./floors/${script}.js`, import.meta.url)), [String(port), ...args], { stdio: 'inherit' });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`floor ${script} exited with ${code}`)));
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

const medianOf = (rs: LoadResult[]): LoadResult => ({
  rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), errors: median(rs.map((r) => r.errors)),
});

async function makeToken(base: string): Promise<{ authorization: string }> {
  const res = await api(base, 'POST', '/v1/token', { description: 'bench', scopes: ['api'] });
  return { authorization: `Bearer ${res.body.token as string}` };
}

export async function figures(): Promise<Figure[]> {
  const dovecot = await startDovecot();
  const profileDir = process.env.PROFILE ? await mkdtemp(join(tmpdir(), 'imapapi-prof-')) : undefined;
  const server = await startServer({
    shards: SHARDS, args: ['--log-level', 'warn'],
    ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
  });
  const floors: ChildProcess[] = [];
  try {
    const ids = Array.from({ length: ACCOUNTS }, (_, i) => `bench-${i}`);
    for (const id of ids) await api(server.url, 'POST', '/v1/account', exampleAccount(id, { host: dovecot.host, port: dovecot.port, user: dovecot.user('bench'), pass: dovecot.password }));
    await eventually(async () => (await api(server.url, 'GET', '/v1/accounts?state=connected')).body.total === ACCOUNTS, 60_000, 'accounts connected');
    const front = { health: '/health', notFound: '/v1/nothing-here', invalid: '/v1/accounts?state=nonsense' };
    const fixtures = await capture(server.url, [...Object.values(front), '/v1/account/bench-0']);
    const file = join(await mkdtemp(join(tmpdir(), 'imapapi-fix-')), 'fixtures.json');
    await writeFile(file, JSON.stringify(fixtures));
    const bare = await startFloor('uws-bare', [file]);
    const routed = await startFloor('uws-workers', [file, '/v1/account/bench-0', String(SHARDS)]);
    floors.push(bare.child, routed.child);
    const accounts = ids.map((id) => `/v1/account/${id}`);
    const cases: { figure: string; goal: number | null; product: () => Promise<LoadResult>; floor: () => Promise<LoadResult> }[] = [];
    const load = (base: string, paths: string[], headers?: Record<string, string>) => () => wrk({ base, paths, connections: CONNECTIONS, seconds: SECONDS, ...(headers ? { headers } : {}) });
    for (const [name, path] of Object.entries(front)) cases.push({ figure: `front-only ${name} (${path})`, goal: 0.8, product: load(server.url, [path]), floor: load(bare.base, [path]) });
    // every request a different bad value: no answer from the refusal cache (for the record, no goal)
    const varied = Array.from({ length: 5000 }, (_, i) => `${front.invalid}${i}`);
    cases.push({ figure: 'front-only invalid, each request different', goal: null, product: load(server.url, varied), floor: load(bare.base, [front.invalid]) });
    cases.push({ figure: 'routed GET /v1/account/:account', goal: 0.8, product: load(server.url, accounts), floor: load(routed.base, accounts) });
    const results = cases.map(() => ({ product: [] as LoadResult[], floor: [] as LoadResult[] }));
    for (const c of cases) { await c.product(); await c.floor(); } // warm-up, JIT
    for (let run = 0; run < RUNS; run++) {
      for (const [i, c] of cases.entries()) {
        results[i]!.product.push(await c.product());
        results[i]!.floor.push(await c.floor());
      }
    }
    const out = cases.map((c, i) => figureOf(c.figure, c.goal, results[i]!.product, results[i]!.floor));
    const routed64 = results.at(-1)!;
    out.push(boundedBy(`routed GET /v1/account/:account p99 at ${CONNECTIONS} connections`, 'ms', medianOf(routed64.product).p99, medianOf(routed64.floor).p99, 5));
    // with tokens on: the same floor, the product checking a bearer token on every request
    const token = await makeToken(server.url);
    const tokened: LoadResult[] = [];
    const floorAgain: LoadResult[] = [];
    for (let run = 0; run < RUNS; run++) {
      tokened.push(await load(server.url, accounts, token)());
      floorAgain.push(await load(routed.base, accounts)());
    }
    out.push(figureOf('routed GET /v1/account/:account, API token', 0.75, tokened, floorAgain));
    if (profileDir) console.log(`cpu profiles of the product's threads: ${profileDir}`);
    return out;
  } finally {
    for (const f of floors) f.kill();
    await server.stop();
    await dovecot.close();
    await removeDir(server.dataDir);
  }
}

function figureOf(figure: string, goal: number | null, product: LoadResult[], floor: LoadResult[]): Figure {
  const p = medianOf(product);
  const f = medianOf(floor);
  const detail = { productP50: p.p50, productP99: p.p99, productErrors: p.errors, floorP50: f.p50, floorP99: f.p99, floorErrors: f.errors };
  return atLeast(figure, 'req/s', p.rps, f.rps, goal, { detail });
}

runAlone(import.meta.url, 'hot-paths', title, figures);
