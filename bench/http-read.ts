// Routed read throughput: GET /v1/account/:account through the front thread to the shards
// (no IMAP on the request path), with wrk or the in-repo client, medians over RUNS runs; each
// run once with the API open and once with an API token on every request (made, then revoked).
// Env: RUNS (5), SECONDS (5), CONNECTIONS (64), ACCOUNTS (100), SHARDS (2), CLIENT (wrk|node).
import { execFileSync } from 'node:child_process';
import { startDovecot } from '../test/helpers/dovecot.js';
import { api, eventually, exampleAccount } from '../test/helpers/api.js';
import { removeDir, startServer } from '../test/helpers/server.js';
import { inRepoClient, wrk, type LoadResult } from './lib/load.js';
import { header, median, table } from './lib/table.js';

const env = (name: string, def: number) => Number(process.env[name] ?? def);
const RUNS = env('RUNS', 5);
const SECONDS = env('SECONDS', 5);
const CONNECTIONS = env('CONNECTIONS', 64);
const ACCOUNTS = env('ACCOUNTS', 100);
const SHARDS = env('SHARDS', 2);

function hasWrk(): boolean {
  try { execFileSync('wrk', ['--version'], { stdio: 'ignore' }); return true; } catch (err) { return typeof (err as { status?: number | null }).status === 'number'; }
}

const cells = (r: LoadResult) => [Math.round(r.rps), r.p50.toFixed(2), r.p99.toFixed(2), r.errors];
const medianOf = (rs: LoadResult[]): LoadResult => ({
  rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), errors: median(rs.map((r) => r.errors)),
});

async function makeToken(base: string, scope: string, headers: Record<string, string>): Promise<{ id: string; headers: Record<string, string> }> {
  const res = await fetch(`${base}/v1/token`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ description: 'bench', scopes: [scope] }) });
  const made = await res.json() as { id: string; token: string };
  return { id: made.id, headers: { authorization: `Bearer ${made.token}` } };
}

async function main(): Promise<void> {
  const client = process.env.CLIENT ?? (hasWrk() ? 'wrk' : 'node');
  header(`GET /v1/account/:account — ${client}, ${CONNECTIONS} connections, ${SECONDS} s × ${RUNS} runs, ${ACCOUNTS} accounts, ${SHARDS} shards`);
  const dovecot = await startDovecot();
  const server = await startServer({ shards: SHARDS, args: ['--log-level', 'warn'] });
  try {
    const ids = Array.from({ length: ACCOUNTS }, (_, i) => `bench-${i}`);
    for (const id of ids) {
      await api(server.url, 'POST', '/v1/account', exampleAccount(id, { host: dovecot.host, port: dovecot.port, user: dovecot.user('bench'), pass: dovecot.password }));
    }
    await eventually(async () => (await api(server.url, 'GET', '/v1/accounts?state=connected')).body.total === ACCOUNTS, 60_000, 'accounts connected');
    const spec = { base: server.url, paths: ids.map((id) => `/v1/account/${id}`), connections: CONNECTIONS, seconds: SECONDS };
    const run = client === 'wrk' ? wrk : inRepoClient;
    await run({ ...spec, seconds: 1 }); // warm-up
    const open: LoadResult[] = [];
    const tokened: LoadResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      open.push(await run(spec));
      // an admin token first (while the API is open), with it a token of scope api for the run;
      // then both revoked (the admin one last, by itself): the next run finds the API open again
      const admin = await makeToken(server.url, 'admin', {});
      const user = await makeToken(server.url, 'api', admin.headers);
      tokened.push(await run({ ...spec, headers: user.headers }));
      for (const id of [user.id, admin.id]) await fetch(`${server.url}/v1/token/${id}`, { method: 'DELETE', headers: admin.headers });
    }
    const rows = open.flatMap((r, i) => [[`run ${i + 1} open`, ...cells(r)], [`run ${i + 1} token`, ...cells(tokened[i]!)]]);
    rows.push(['median open', ...cells(medianOf(open))], ['median token', ...cells(medianOf(tokened))]);
    table(['', 'req/s', 'p50 ms', 'p99 ms', 'errors'], rows);
    console.log(`token / open throughput: ${(medianOf(tokened).rps / medianOf(open).rps).toFixed(2)}`);
  } finally {
    await server.stop();
    await dovecot.close();
    await removeDir(server.dataDir);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
