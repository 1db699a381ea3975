// Routed read throughput: GET /v1/account/:account through the front thread to the shards
// (no IMAP on the request path), with wrk or the in-repo client, medians over RUNS runs.
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
  try { execFileSync('wrk', ['--version'], { stdio: 'ignore' }); return true; } catch (err) { return (err as { status?: number }).status !== undefined; }
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
    const results: LoadResult[] = [];
    for (let i = 0; i < RUNS; i++) results.push(await run(spec));
    const rows = results.map((r, i) => [`run ${i + 1}`, Math.round(r.rps), r.p50.toFixed(2), r.p99.toFixed(2), r.errors]);
    rows.push(['median', Math.round(median(results.map((r) => r.rps))), median(results.map((r) => r.p50)).toFixed(2), median(results.map((r) => r.p99)).toFixed(2), median(results.map((r) => r.errors))]);
    table(['', 'req/s', 'p50 ms', 'p99 ms', 'errors'], rows);
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
