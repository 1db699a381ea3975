// The command line as a user meets it: --help, --version, clear start-up errors, refusing the slow
// fallback HTTP server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 15_000 });

test('--help prints every option and exits 0', () => {
  const r = run(['--help']);
  assert.equal(r.status, 0);
  for (const word of ['--port', 'IMAPAPI_PORT', '--data-dir', '--shards', '--secret']) assert.ok(r.stdout.includes(word), word);
});

test('--version prints the version and exits 0', () => {
  const r = run(['--version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^imapapi \d+\.\d+\.\d+/);
});

test('a bad value is a clear error at start-up, exit code 2', () => {
  const r = run(['--port', 'http']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--port must be an integer from 0 to 65535, got "http"/);
  const e = run([], { IMAPAPI_SHARDS: '-1' });
  assert.equal(e.status, 2);
  assert.match(e.stderr, /IMAPAPI_SHARDS/);
});

test('a port already in use is a clear error naming the flag to change', async () => {
  const net = await import('node:net');
  const blocker = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  const port = (blocker.address() as { port: number }).port;
  const r = run(['--port', String(port), '--data-dir', mkdtempSync(join(tmpdir(), 'imapapi-cli-')), '--shards', '1']);
  blocker.close();
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use \\(another server\\?\\); stop it or choose another --port`));
});

test('refuses to start on the pure-JS fallback of uWebSockets.js', () => {
  const r = run(['--data-dir', mkdtempSync(join(tmpdir(), 'imapapi-cli-')), '--port', '0'], { UWS_USE_FALLBACK: '1' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /native binding is not loaded/);
});
