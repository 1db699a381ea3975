// HTTPS and WSS with a self-signed certificate the test makes: the API and the stream answer
// over TLS, plain HTTP to the port gets nothing, and every bad certificate setting stops
// start-up with a message naming the file and the reason.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import WebSocket from 'ws';
import { Agent, fetch } from 'undici';
import { makeCerts, type Certs } from './helpers/certs.js';
import { removeDir, runToExit, startServer, type RunningServer } from './helpers/server.js';

let certs: Certs;
let server: RunningServer;
let agent: Agent;

before(async () => {
  certs = makeCerts();
  agent = new Agent({ connect: { ca: certs.ca } });
  server = await startServer({ args: ['--tls-cert', certs.cert, '--tls-key', certs.key], tls: { ca: certs.ca } });
});
after(async () => {
  await server?.stop();
  await agent?.close();
  if (server) await removeDir(server.dataDir);
  rmSync(certs.dir, { recursive: true, force: true });
});

test('GET /health over HTTPS with the certificate trusted; the log says https://', async () => {
  assert.match(server.url, /^https:/);
  const res = await fetch(`${server.url}/health`, { dispatcher: agent });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { status: string }).status, 'ok');
  assert.match(server.output(), new RegExp(`"url":"https://127\\.0\\.0\\.1:${server.port}"`));
  // and an untrusted client refuses it: the certificate is the one served
  await assert.rejects(fetch(`${server.url}/health`), (err: Error & { cause?: { code?: string } }) => /SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/.test(String(err.cause?.code)));
});

test('the change stream over WSS', async () => {
  const ws = new WebSocket(`wss://127.0.0.1:${server.port}/v1/stream?states=true`, { ca: certs.ca });
  await new Promise<void>((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  assert.equal(ws.readyState, WebSocket.OPEN);
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  ws.close(1000);
  assert.equal(await closed, 1000);
});

test('plain HTTP to the TLS port gets no HTTP answer', async () => {
  const outcome = await new Promise<string>((resolve) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: '/health', timeout: 3000 }, (res) => resolve(`answered ${res.statusCode}`));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code}`));
    req.on('timeout', () => { req.destroy(); resolve('timeout'); });
    req.end();
  });
  assert.doesNotMatch(outcome, /^answered/);
  // and the server still serves HTTPS
  assert.equal((await fetch(`${server.url}/health`, { dispatcher: agent })).status, 200);
});

test('an encrypted key with --tls-passphrase (or IMAPAPI_TLS_PASSPHRASE) serves HTTPS', async () => {
  const s = await startServer({
    args: ['--tls-cert', certs.cert, '--tls-key', certs.encryptedKey], env: { IMAPAPI_TLS_PASSPHRASE: certs.passphrase }, tls: { ca: certs.ca },
  });
  try {
    assert.equal((await fetch(`${s.url}/health`, { dispatcher: agent })).status, 200);
    assert.doesNotMatch(s.output(), new RegExp(certs.passphrase));
  } finally {
    await s.stop();
    await removeDir(s.dataDir);
  }
});

test('TLS files from the environment', async () => {
  const s = await startServer({ env: { IMAPAPI_TLS_CERT: certs.cert, IMAPAPI_TLS_KEY: certs.key }, tls: { ca: certs.ca } });
  try {
    assert.equal((await fetch(`${s.url}/health`, { dispatcher: agent })).status, 200);
  } finally {
    await s.stop();
    await removeDir(s.dataDir);
  }
});

test('a bad certificate setting stops start-up with the file and the reason', async () => {
  const cases: [string[], RegExp][] = [
    [['--tls-cert', `${certs.dir}/missing.pem`, '--tls-key', certs.key], /TLS certificate file ".*missing\.pem" cannot be read: ENOENT/],
    [['--tls-cert', certs.cert, '--tls-key', certs.dir], /TLS key file ".*" cannot be read: EISDIR/],
    [['--tls-cert', certs.junk, '--tls-key', certs.key], /TLS certificate file ".*junk\.pem" holds no PEM certificate/],
    [['--tls-cert', certs.cert, '--tls-key', certs.junk], /TLS key file ".*junk\.pem" holds no PEM private key/],
    [['--tls-cert', certs.cert, '--tls-key', certs.otherKey], /cannot be used with certificate .*: the key does not belong to the certificate/],
    [['--tls-cert', certs.cert, '--tls-key', certs.encryptedKey], /wrong or missing passphrase \(--tls-passphrase\)/],
    [['--tls-cert', certs.cert, '--tls-key', certs.encryptedKey, '--tls-passphrase', 'not it'], /wrong or missing passphrase/],
    [['--tls-cert', certs.cert], /--tls-cert and --tls-key go together: --tls-key is missing/],
    [['--tls-key', certs.key], /--tls-key go together: --tls-cert is missing/],
  ];
  for (const [args, message] of cases) {
    const run = await runToExit({ args });
    assert.notEqual(run.code, 0, `${args.join(' ')} started`);
    assert.match(run.output, message, args.join(' '));
    assert.doesNotMatch(run.output, /listening/);
    await removeDir(run.dataDir);
  }
});
