// Runs the built server as a user would: `node dist/src/cli.js` as a child process on a free
// port with a temp data dir, its log lines captured for assertions (and, with IMAPAPI_TEST_OUTPUT
// set to a directory, written there when it ends, for scripts/grep-secrets.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch as undiciFetch } from 'undici';
import { freePort } from './free-port.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export interface ServerOptions {
  dataDir?: string;
  shards?: number;
  args?: string[];
  env?: Record<string, string>;
  /** a fixed port instead of a free one */
  port?: number;
  /** flags for node itself (e.g. --cpu-prof), before the script */
  nodeArgs?: string[];
  /** the server speaks HTTPS (--tls-cert/--tls-key in args): poll it trusting this CA */
  tls?: { ca: string | Buffer };
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  /** everything the process wrote to stdout and stderr so far */
  output(): string;
  /** send a signal and wait for exit; resolves with the exit code and how long it took */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

interface Spawned {
  child: ChildProcess;
  port: number;
  dataDir: string;
  exited: Promise<number | null>;
  /** exited and its output read to the end */
  closed: Promise<number | null>;
  output(): string;
}

async function spawnCli(opts: ServerOptions): Promise<Spawned> {
  const dataDir = opts.dataDir ?? await mkdtemp(join(tmpdir(), 'imapapi-data-'));
  const port = opts.port ?? await freePort();
  const args = [...(opts.nodeArgs ?? []), CLI, '--port', String(port), '--data-dir', dataDir, '--shards', String(opts.shards ?? 2), ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const keep = process.env.IMAPAPI_TEST_OUTPUT;
  if (keep) child.once('close', () => writeFileSync(join(keep, `server-${process.pid}-${child.pid}.log`), out));
  return { child, port, dataDir, exited, closed, output: () => out };
}

/** Spawn the CLI and wait until /health answers. */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const { child, port, dataDir, exited, output } = await spawnCli(opts);
  let up = false;
  const scheme = opts.tls ? 'https' : 'http';
  const dispatcher = opts.tls ? new Agent({ connect: { ca: opts.tls.ca } }) : undefined;
  const poll = setInterval(() => {
    (dispatcher ? undiciFetch(`https://127.0.0.1:${port}/health`, { dispatcher }) : fetch(`http://127.0.0.1:${port}/health`))
      .then((r) => { up = r.ok; }, () => {});
  }, 50);
  try {
    await waitFor(() => up, exited, output);
  } catch (err) {
    // a server that came up too late would keep the test file from ever exiting
    child.kill('SIGKILL');
    throw err;
  } finally {
    clearInterval(poll);
    void dispatcher?.close();
  }
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    dataDir,
    pid: child.pid ?? 0,
    output,
    stop: (signal = 'SIGTERM') => stopChild(child, exited, signal),
  };
}

async function waitFor(ready: () => boolean, exited: Promise<number | null>, out: () => string): Promise<void> {
  let dead: number | null | undefined;
  void exited.then((code) => { dead = code; });
  const until = Date.now() + 15_000;
  while (!ready()) {
    if (dead !== undefined) throw new Error(`server exited with ${dead} before listening:\n${out()}`);
    if (Date.now() > until) throw new Error(`server did not start within 15 s:\n${out()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, signal: NodeJS.Signals) {
  const t0 = Date.now();
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  const code = await exited;
  return { code, ms: Date.now() - t0 };
}

/** Run the CLI expecting it to exit by itself (a refused start) within `ms`; kill it otherwise. */
export async function runToExit(opts: ServerOptions, ms = 10_000): Promise<{ code: number | null; ms: number; output: string; dataDir: string }> {
  const t0 = Date.now();
  const { child, dataDir, closed, output } = await spawnCli(opts);
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const code = await closed.finally(() => clearTimeout(timer));
  return { code, ms: Date.now() - t0, output: output(), dataDir };
}

/** Remove a temp data dir. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
