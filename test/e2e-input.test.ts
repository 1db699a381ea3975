// Bad input gets a clear 4xx naming the field and changes nothing; DELETE removes an account.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { request } from 'node:http';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

let dovecot: Dovecot;
let server: RunningServer;
let body: ReturnType<typeof exampleAccount>;
const get = (path: string) => api(server.url, 'GET', path);

before(async () => {
  dovecot = await startDovecot();
  server = await startServer({ args: ['--max-body', '4096'] });
  body = exampleAccount('keep', { host: dovecot.host, port: dovecot.port, user: dovecot.user('in'), pass: dovecot.password });
  await api(server.url, 'POST', '/v1/account', body);
  await eventually(async () => (await get('/v1/account/keep')).body.state === 'connected');
});
after(async () => {
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

async function unchanged(): Promise<void> {
  const list = (await get('/v1/accounts')).body;
  assert.deepEqual(list.accounts.map((a: { account: string }) => a.account), ['keep']);
  const view = (await get('/v1/account/keep')).body;
  assert.equal(view.name, body.name);
  assert.equal(view.imap.port, dovecot.port);
  assert.equal(view.state, 'connected');
}

const detail = (res: { body: { details?: { field: string; reason: string }[] } }, field: string) =>
  res.body.details?.find((d) => d.field === field)?.reason;

test('malformed JSON → 400 InvalidJson', async () => {
  const res = await api(server.url, 'POST', '/v1/account', '{"account": "keep", "imap": ');
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 'InvalidJson');
  assert.equal(res.body.statusCode, 400);
  assert.equal(res.body.error, 'Bad Request');
  await unchanged();
});

test('wrong types and missing fields → 400 naming each field', async () => {
  const res = await api(server.url, 'POST', '/v1/account', { ...body, imap: { ...body.imap, port: '993', auth: { user: 'x' } } });
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 'ValidationError');
  assert.match(detail(res, 'imap.port') ?? '', /integer/);
  // which credentials a login needs is a rule over several fields, checked once the shapes are right
  const noPass = await api(server.url, 'POST', '/v1/account', { ...body, imap: { ...body.imap, auth: { user: 'x' } } });
  assert.match(detail(noPass, 'imap.auth.pass') ?? '', /required/);
  const patch = await api(server.url, 'PUT', '/v1/account/keep', { imap: { port: 70000 } });
  assert.equal(patch.status, 400);
  assert.ok(detail(patch, 'imap.port'));
  await unchanged();
});

test('unknown fields in closed schemas → 400', async () => {
  const res = await api(server.url, 'POST', '/v1/account', { ...body, imap: { ...body.imap, colour: 'blue' }, extra: 1 });
  assert.equal(res.status, 400);
  assert.equal(detail(res, 'imap.colour'), 'unknown field');
  assert.equal(detail(res, 'extra'), 'unknown field');
  const patch = await api(server.url, 'PUT', '/v1/account/keep', { nickname: 'x' });
  assert.equal(detail(patch, 'nickname'), 'unknown field');
  const query = await get('/v1/accounts?pageSize=5000&colour=blue');
  assert.equal(query.status, 400);
  assert.ok(detail(query, 'pageSize'));
  assert.equal(detail(query, 'colour'), 'unknown field');
  await unchanged();
});

test('an oversized body → 413, announced or streamed', async () => {
  const big = { ...body, name: 'x'.repeat(10_000) };
  const res = await api(server.url, 'POST', '/v1/account', big);
  assert.equal(res.status, 413);
  assert.equal(res.body.code, 'PayloadTooLarge');
  // chunked, no content-length: the limit still holds while reading
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${server.url}/v1/account`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (r) => { r.resume(); resolve(r.statusCode ?? 0); });
    req.on('error', reject);
    for (let i = 0; i < 10; i++) req.write(JSON.stringify(big).slice(i * 1000, (i + 1) * 1000));
    req.end();
  });
  assert.equal(status, 413);
  await unchanged();
});

test('a body that is not JSON, or none at all → 415 / 400', async () => {
  const form = await fetch(`${server.url}/v1/account`, { method: 'POST', body: 'account=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(form.status, 415);
  const empty = await fetch(`${server.url}/v1/account`, { method: 'POST' });
  assert.equal(empty.status, 400);
  assert.equal(((await empty.json()) as { details: { field: string }[] }).details[0]?.field, 'body');
  await unchanged();
});

test('an unknown account → 404 on every account route', async () => {
  for (const [method, path, payload] of [
    ['GET', '/v1/account/ghost', undefined], ['PUT', '/v1/account/ghost', { name: 'x' }],
    ['DELETE', '/v1/account/ghost', undefined], ['PUT', '/v1/account/ghost/reconnect', undefined],
  ] as const) {
    const res = await api(server.url, method, path, payload);
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal(res.body.code, 'AccountNotFound');
    assert.match(res.body.message, /ghost/);
  }
  assert.equal((await get('/v1/nothing/here')).status, 404);
  await unchanged();
});

test('an incomplete SMTP patch on an account without SMTP → 400, nothing stored', async () => {
  const res = await api(server.url, 'POST', '/v1/account', { account: 'nosmtp', imap: body.imap });
  assert.equal(res.status, 200);
  const patch = await api(server.url, 'PUT', '/v1/account/nosmtp', { smtp: { port: 587 } });
  assert.equal(patch.status, 400);
  assert.ok(detail(patch, 'smtp.host'));
  assert.ok(!('smtp' in (await get('/v1/account/nosmtp')).body), 'no smtp key without SMTP settings');
  assert.equal((await api(server.url, 'DELETE', '/v1/account/nosmtp')).status, 200);
});

test('DELETE logs out and removes the account', async () => {
  await api(server.url, 'POST', '/v1/account', { ...body, account: 'gone' });
  await eventually(async () => (await get('/v1/account/gone')).body.state === 'connected');
  const res = await api(server.url, 'DELETE', '/v1/account/gone');
  assert.deepEqual(res.body, { account: 'gone', deleted: true });
  assert.equal((await get('/v1/account/gone')).status, 404);
  assert.equal((await api(server.url, 'DELETE', '/v1/account/gone')).status, 404);
  await unchanged();
});

test('union and enum fields name the one problem that matters', async () => {
  const res = await api(server.url, 'PUT', '/v1/settings', { secret: 'short', webhookEvents: ['bogus'] });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body.details.filter((d: { field: string }) => d.field === 'secret'), [{ field: 'secret', reason: 'must not have fewer than 16 characters' }]);
  const events = res.body.details.filter((d: { field: string }) => d.field === 'webhookEvents.0');
  assert.equal(events.length, 1);
  assert.match(events[0].reason, /^must be one of: messageNew, /);
  const plain = await fetch(`${server.url}/v1/stream`);
  assert.equal(plain.status, 426, 'plain GET of the stream');
  assert.equal(plain.headers.get('upgrade'), 'websocket');
  assert.deepEqual(await plain.json(), { error: 'Upgrade Required', message: 'GET /v1/stream is a WebSocket: connect with a WebSocket client', statusCode: 426, code: 'UpgradeRequired' });
  // a WebSocket handshake with a bad query is refused before the upgrade, with the usual body
  const bad = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.get(`${server.url}/v1/stream?since=x`, { headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } });
    req.on('response', (res) => { let body = ''; res.on('data', (d: Buffer) => { body += d; }); res.on('end', () => resolve({ status: res.statusCode ?? 0, body })); });
    req.on('upgrade', () => reject(new Error('upgraded despite a bad query')));
    req.on('error', reject);
  });
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).details[0].field, 'since');
});
