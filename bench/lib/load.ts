// HTTP load generators against loopback only: wrk when installed, else an in-repo client on
// undici with the same keep-alive model. Both report req/s and latency percentiles in ms.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'undici';

export interface LoadResult { rps: number; p50: number; p99: number; errors: number }
export interface LoadSpec { base: string; paths: string[]; connections: number; seconds: number; headers?: Record<string, string> }

function assertLoopback(base: string): void {
  const host = new URL(base).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) throw new Error(`benchmarks target loopback only, not ${host}`);
}

const toMs = (v: string, unit: string) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? NaN);

/** Run wrk with a Lua script cycling through `paths`. */
export async function wrk(spec: LoadSpec): Promise<LoadResult> {
  assertLoopback(spec.base);
  const script = join(tmpdir(), `imapapi-bench-${process.pid}.lua`);
  const list = spec.paths.map((p) => JSON.stringify(p)).join(', ');
  const headers = Object.entries(spec.headers ?? {}).map(([k, v]) => `[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join(', ');
  await writeFile(script, `local paths = {${list}}\nlocal headers = {${headers}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i], headers)\nend\n`);
  const threads = String(Math.min(2, spec.connections));
  const { stdout } = await promisify(execFile)('wrk', ['-t', threads, '-c', String(spec.connections), '-d', `${spec.seconds}s`, '--latency', '-s', script, spec.base]).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT' ? new Error('wrk is not installed: apt-get install -y wrk (Debian)') : err;
  });
  const pct = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(stdout);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const errors = non2xx + (socketErr ? socketErr.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  return { rps, p50: pct('50'), p99: pct('99'), errors };
}

export interface MeasureOptions { concurrency: number; seconds: number }

/**
 * Call `fn` from `concurrency` loops, each awaiting its previous call, for `seconds`.
 * `fn` resolves false (or throws) for a failed call; failed calls count as errors but
 * still give a latency, so a fast failure mode shows up instead of inflating req/s silently.
 */
export async function measure(fn: () => Promise<boolean>, opts: MeasureOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + opts.seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      const ok = await fn().catch(() => false);
      latencies.push(performance.now() - t0);
      if (!ok) errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: opts.concurrency }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

export interface HttpGetter { get(path: string): Promise<boolean>; close(): Promise<void> }

/** A keep-alive undici pool of `connections` sockets; get() is true on a 200 with the body read. */
export function httpGetter(base: string, connections: number, headers: Record<string, string> = {}): HttpGetter {
  assertLoopback(base);
  // pipelining 1: each loop owns one socket at a time, as wrk's connections do
  const pool = new Pool(base, { connections, pipelining: 1 });
  return {
    async get(path) {
      const res = await pool.request({ method: 'GET', path, headers });
      // dump() aborts the socket on bodies over its 128 KiB default; read them whole instead
      await res.body.dump({ limit: 2 ** 30 });
      return res.statusCode === 200;
    },
    close: () => pool.close(),
  };
}

/** The in-repo client: `connections` loops, each one request at a time on its own socket. */
export async function inRepoClient(spec: LoadSpec): Promise<LoadResult> {
  const http = httpGetter(spec.base, spec.connections, spec.headers);
  let next = 0;
  try {
    return await measure(() => http.get(spec.paths[next++ % spec.paths.length]!), { concurrency: spec.connections, seconds: spec.seconds });
  } finally {
    await http.close();
  }
}
