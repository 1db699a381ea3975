// What a hostile web page could make a browser send: a write without a CORS preflight (a body
// without the JSON type), a request or a WebSocket from another origin, a rebound host name.
// Each is refused before it does anything; the same requests from a client of our own pass.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import WebSocket from 'ws';
import { api } from './helpers/api.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';

let server: RunningServer;

before(async () => { server = await startServer({ shards: 1 }); });
after(async () => {
  await server?.stop();
  if (server) await removeDir(server.dataDir);
});

/** A raw request (fetch would not let a test set Host or Origin freely). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const upgrade = (headers: Record<string, string>) => new Promise<number>((resolve) => {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/stream`, { headers });
  ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
  ws.on('open', () => { ws.close(); resolve(101); });
  ws.on('error', () => undefined);
});

const webhooks = async () => (await api(server.url, 'GET', '/v1/settings?webhooks=true')).body.webhooks;

test('a body without Content-Type: application/json is refused with 415 and changes nothing', async () => {
  const body = JSON.stringify({ webhooks: 'http://127.0.0.1:9/hook' });
  for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded']) {
    const res = await raw('POST', '/v1/settings', type ? { 'content-type': type } : {}, body);
    assert.equal(res.status, 415, `content-type ${type}`);
    assert.equal(res.body.code, 'UnsupportedMediaType');
    assert.match(res.body.message, /application\/json/);
  }
  assert.equal(await webhooks(), undefined, 'nothing was set');
  const ok = await raw('POST', '/v1/settings', { 'content-type': 'application/json' }, body);
  assert.equal(ok.status, 200);
  assert.equal(await webhooks(), 'http://127.0.0.1:9/hook');
});

test('a request from a page of another origin is refused with 403; one from our own pages is served', async () => {
  const host = `127.0.0.1:${server.port}`;
  const foreign = await raw('POST', '/v1/webhooks/test', { origin: 'http://evil.example', host });
  assert.equal(foreign.status, 403);
  assert.match(foreign.body.message, /another origin/);
  assert.equal((await raw('GET', '/v1/accounts', { origin: 'null', host })).status, 403, 'a sandboxed frame or file: page');
  assert.equal((await raw('GET', '/v1/accounts', { origin: `http://${host}`, host })).status, 200);
  assert.equal((await raw('GET', '/v1/accounts', { host })).status, 200, 'no Origin: not a browser page');
});

test('a WebSocket from another origin is refused (no CORS rule covers it); from our own origin it opens', async () => {
  assert.equal(await upgrade({ origin: 'http://evil.example' }), 403);
  assert.equal(await upgrade({ origin: `http://127.0.0.1:${server.port}` }), 101);
  assert.equal(await upgrade({}), 101);
});

test('on a loopback address only loopback host names are served (DNS rebinding)', async () => {
  const rebound = await raw('GET', '/v1/accounts', { host: `evil.example:${server.port}` });
  assert.equal(rebound.status, 403);
  assert.match(rebound.body.message, /loopback/);
  assert.equal(await upgrade({ host: 'evil.example' }), 403);
  for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`]) {
    assert.equal((await raw('GET', '/v1/accounts', { host })).status, 200, host);
  }
});
