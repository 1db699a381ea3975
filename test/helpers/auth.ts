// Helpers for the API token tests: a request with a Bearer token (answers checked against the
// route table like helpers/api.ts), tokens made by the CLI, and sample paths for any route.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { answerProblems } from './route-schemas.js';
import { PlantedSecrets } from './secret-scan.js';

const planted = new PlantedSecrets();

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export interface Answer { status: number; body: any; headers: Headers; text: string }

/** One request; `token` as `Authorization: Bearer`, `body` as JSON. */
export async function call(base: string, method: string, path: string, opts: { token?: string | undefined; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  const init: RequestInit = { method, headers };
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  // every token a test is handed is looked for in the server's output by scripts/grep-secrets.mjs
  if (method === 'POST' && path === '/v1/token' && res.status === 200) planted.add('api-token', (body as { token: string }).token);
  const problems = method === 'HEAD' ? [] : answerProblems(method, path, res.status, body);
  if (problems.length) throw new Error(`${method} ${path} → ${res.status} does not match its route's schema: ${problems.join('; ')}`);
  return { status: res.status, body, headers: res.headers, text };
}

/** `imapapi token create` against a data dir; returns the token it printed and what it said. */
export function cliToken(dataDir: string, args: string[]): { token: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, 'token', 'create', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 15_000 });
  if (r.status === 0) planted.add('cli-api-token', r.stdout.trim());
  return { token: r.stdout.trim(), stderr: r.stderr, status: r.status };
}

/** `imapapi token list` against a data dir. */
export function cliList(dataDir: string): { stdout: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, 'token', 'list', '--data-dir', dataDir], { encoding: 'utf8', timeout: 15_000 });
  return { stdout: r.stdout, status: r.status };
}

// well-formed ids (mailbox 1, UID 481) so that a request gets past validation to the handler
const SAMPLE: Record<string, string> = {
  message: 'AAAAAQAAAeE', text: 'AAAAAQAAAeGTkaExkaEykA', attachment: 'AAAAAQAAAeExLjI', queueId: 'no-such-queue-id', id: 'no-such-token',
};

/** A route's path with its parameters filled in, `account` as given. */
export function samplePath(path: string, account: string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(name === 'account' ? account : SAMPLE[name] ?? 'x'));
}
