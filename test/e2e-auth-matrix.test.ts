// The auth matrix, generated from the route table: for every route and method, no token, a bad
// token, a token without the route's scope and a token for another account are refused (401/403
// with the JSON error body), the right token gets past the check; plus the stream upgrade, the
// docs and admin pages, the token list that never shows a token, and revocation on the next request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { routes } from '../src/http/routes/index.js';
import { accountBinding } from '../src/http/auth.js';
import { hashToken } from '../src/store/tokens.js';
import type { AnyRoute } from '../src/http/route.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';
import { exampleAccount } from './helpers/api.js';
import { call, cliList, samplePath, type Answer } from './helpers/auth.js';

let server: RunningServer;
const tok: Record<string, string> = {};
const made: string[] = [];
const account = (id: string) => ({ ...exampleAccount(id, { host: '127.0.0.1', port: 1, user: 'u', pass: 'secret-pass' }), disabled: true });

async function mint(name: string, body: Record<string, unknown>, as?: string): Promise<void> {
  const r = await call(server.url, 'POST', '/v1/token', { ...(as ? { token: as } : {}), body: { description: name, ...body } });
  assert.equal(r.status, 200, `${name}: ${r.text}`);
  assert.match(r.body.token, /^[A-Za-z0-9_-]{43}$/, '256 bits, base64url');
  tok[name] = r.body.token;
  made.push(r.body.token);
}

before(async () => {
  server = await startServer({ shards: 1, args: ['--auth-fail-limit', '1000000'] });
  // no token yet: the API is open, as in the quick start
  assert.equal((await call(server.url, 'GET', '/v1/accounts')).status, 200);
  await mint('admin', { scopes: ['admin'] });
  for (const s of ['api', 'metrics', 'stream', 'send']) await mint(s, { scopes: [s] }, tok.admin);
  await mint('acctB', { scopes: ['admin'], account: 'acct-b' }, tok.admin);
  await mint('acctNone', { scopes: ['admin'], account: 'acct-none' }, tok.admin);
  for (const id of ['acct-a', 'acct-b']) assert.equal((await call(server.url, 'POST', '/v1/account', { token: tok.admin, body: account(id) })).status, 200);
});
after(async () => {
  await server?.stop();
  if (server) await removeDir(server.dataDir);
});

/** A body that passes validation where the route binds the account in its body. */
const bodyFor = (route: AnyRoute, acct: string): unknown => {
  if (!route.body) return undefined;
  return accountBinding(route) === 'body' && route.path === '/v1/account' ? account(acct) : {};
};
const send = (route: AnyRoute, acct: string, token?: string, method = route.method.toUpperCase()) =>
  call(server.url, method === 'DELETE' ? 'DELETE' : method, samplePath(route.path, acct), { ...(token !== undefined ? { token } : {}), body: bodyFor(route, acct) });

function refused(r: Answer, status: 401 | 403, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.text}`);
  assert.deepEqual(Object.keys(r.body).sort().filter((k) => k !== 'details'), ['code', 'error', 'message', 'statusCode'], what);
  assert.equal(r.body.statusCode, status, what);
  assert.equal(r.body.code, status === 401 ? 'Unauthorized' : 'Forbidden', what);
}
const passed = (r: Answer, what: string) => assert.ok(r.status !== 401 && r.status !== 403 && r.status < 500, `${what}: ${r.status} ${r.text}`);
const label = (r: AnyRoute) => `${r.method.toUpperCase()} ${r.path}`;

test('every route but /health refuses a missing or bad token with 401, HEAD of a GET too', async () => {
  for (const route of routes) {
    if (route.scope === 'public') {
      // answered without a token (the OAuth2 callback then wants its state: a 400)
      const r = await send(route, 'acct-a');
      assert.equal(r.status, route.query && 'state' in (route.query as { properties: object }).properties ? 400 : 200, label(route));
      continue;
    }
    refused(await send(route, 'acct-a'), 401, `${label(route)} without a token`);
    refused(await send(route, 'acct-a', 'not-a-token'), 401, `${label(route)} with a bad token`);
    refused(await send(route, 'acct-a', tok.admin!.slice(0, -1) + (tok.admin!.endsWith('A') ? 'B' : 'A')), 401, `${label(route)} with a token one letter off`);
    if (route.method === 'get') assert.equal((await send(route, 'acct-a', undefined, 'HEAD')).status, 401, `HEAD ${route.path}`);
  }
});

test('a token without the route\'s scope is a 403 naming the scope; admin implies every scope', async () => {
  for (const route of routes) {
    if (route.scope === 'public' || route.scope === 'any') continue;
    const wrong = route.scope === 'api' ? tok.metrics! : tok.api!;
    const r = await send(route, 'acct-none', wrong);
    refused(r, 403, `${label(route)} with the wrong scope`);
    assert.match(r.body.message, new RegExp(`"${route.scope}" scope`), label(route));
  }
});

test('a token limited to another account is a 403 on that account\'s routes and on every all-accounts or server route', async () => {
  for (const route of routes) {
    const binding = accountBinding(route);
    if (binding === 'none' || binding === 'query') continue;
    refused(await send(route, 'acct-none', tok.acctB), 403, `${label(route)} with acct-b's token`);
  }
});

test('the right token gets past the check; cheap routes answer their success status', async () => {
  for (const route of routes) {
    // creating an account is the next test's (it would make acct-none exist for the 404s here)
    if (route.scope === 'public' || accountBinding(route) === 'body') continue;
    const token = route.scope === 'any' ? tok.metrics! : tok[route.scope]!;
    const r = await send(route, 'acct-none', token);
    passed(r, `${label(route)} with the ${route.scope} token`);
    if (route.upgrade) assert.equal(r.status, 426, label(route));
    else if (route.method === 'get' && !route.params) assert.equal(r.status, route.status ?? 200, `${label(route)}: ${r.text}`);
    else if (route.params && 'account' in (route.params.properties ?? {})) assert.ok([404, 400].includes(r.status), `${label(route)} → ${r.status} ${r.text}`);
    // the token of the account itself passes where the route is about that account
    if (accountBinding(route) === 'param') passed(await send(route, 'acct-none', tok.acctNone), `${label(route)} with acct-none's own token`);
  }
});

test('POST /v1/account: the right token registers any account, an account-limited one only its own', async () => {
  const route = routes.find((r) => r.path === '/v1/account' && r.method === 'post')!;
  assert.equal(accountBinding(route), 'body');
  assert.equal((await call(server.url, 'POST', '/v1/account', { token: tok.api, body: account('acct-c') })).status, 200);
  refused(await call(server.url, 'POST', '/v1/account', { token: tok.acctNone, body: account('acct-c') }), 403, 'another account in the body');
  assert.equal((await call(server.url, 'POST', '/v1/account', { token: tok.acctNone, body: account('acct-none') })).status, 200);
  assert.equal((await call(server.url, 'GET', '/v1/account/acct-none', { token: tok.acctNone })).status, 200);
  refused(await call(server.url, 'GET', '/v1/account/acct-c', { token: tok.acctNone }), 403, 'another account on the path');
});

test('an account-limited token sees only its account in /v1/events and the stream', async () => {
  const own = await call(server.url, 'GET', '/v1/events?since=0', { token: tok.acctB });
  assert.equal(own.status, 200);
  assert.ok(own.body.events.some((e: { event: string; account: string }) => e.event === 'accountAdded' && e.account === 'acct-b'));
  assert.ok(own.body.events.every((e: { account: string }) => e.account === 'acct-b'), 'only acct-b');
  const asked = await call(server.url, 'GET', '/v1/events?since=0&account=acct-a', { token: tok.acctB });
  assert.ok(asked.body.events.every((e: { account: string }) => e.account === 'acct-b'), 'the filter is forced to acct-b');
  const all = await call(server.url, 'GET', '/v1/events?since=0', { token: tok.api });
  assert.ok(all.body.events.some((e: { account: string }) => e.account === 'acct-a'));

  const frames = await streamFrames(`since=0&account=acct-a&access_token=${tok.acctB}`);
  assert.ok(frames.length > 0 && frames.every((f) => f.account === 'acct-b'), JSON.stringify(frames));
});

/** Open the stream, collect what the replay sends in 500 ms. */
function streamFrames(query: string): Promise<{ account: string }[]> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/v1/stream?${query}`);
  const frames: { account: string }[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('open', () => setTimeout(() => { ws.close(); resolve(frames); }, 500));
  });
}

/** The upgrade's answer: 101, or the refusal's status and JSON body. */
function upgrade(query: string, headers: Record<string, string> = {}): Promise<{ status: number; body?: any }> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/v1/stream${query}`, { headers });
  return new Promise((resolve) => {
    ws.once('open', () => { ws.close(); resolve({ status: 101 }); });
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
  });
}

test('the WebSocket upgrade: 401 without or with a bad token, 403 without the stream scope, open with it (header or access_token)', async () => {
  const none = await upgrade('');
  assert.equal(none.status, 401);
  assert.equal(none.body.code, 'Unauthorized');
  assert.equal((await upgrade('?access_token=nope')).status, 401);
  const api = await upgrade(`?access_token=${tok.api}`);
  assert.equal(api.status, 403);
  assert.equal(api.body.code, 'Forbidden');
  assert.equal((await upgrade('', { authorization: `Bearer ${tok.metrics}` })).status, 403);
  assert.equal((await upgrade(`?access_token=${tok.stream}`)).status, 101);
  assert.equal((await upgrade('', { authorization: `Bearer ${tok.stream}` })).status, 101);
  assert.equal((await upgrade(`?access_token=${tok.admin}`)).status, 101, 'admin implies stream');
});

test('the admin page shell and the docs assets stay public; /docs and /openapi.json need a token of any scope', async () => {
  for (const path of ['/', '/admin/', '/admin/main.js', '/admin/api.js', '/docs/init.js', '/docs/assets/swagger-ui.css']) {
    assert.equal((await fetch(server.url + path)).status, 200, path);
  }
  refused(await call(server.url, 'GET', '/docs'), 401, '/docs without a token');
  refused(await call(server.url, 'GET', '/docs?access_token=bad'), 401, '/docs with a bad token');
  const page = await fetch(`${server.url}/docs?access_token=${tok.metrics}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const init = await (await fetch(`${server.url}/docs/init.js`)).text();
  assert.match(init, /access_token/);
  assert.match(init, /requestInterceptor/);
  refused(await call(server.url, 'GET', '/openapi.json'), 401, '/openapi.json without a token');
  const doc = await call(server.url, 'GET', '/openapi.json', { token: tok.acctB });
  assert.equal(doc.status, 200);
  assert.equal(doc.body.components.securitySchemes.bearer.scheme, 'bearer');
  assert.deepEqual(doc.body.paths['/v1/settings'].get.security, [{ bearer: ['admin'] }]);
  assert.deepEqual(doc.body.paths['/health'].get.security, []);
});

test('GET /v1/tokens lists every token, never a token or its hash; a revoked token is refused on the next request', async () => {
  const list = await call(server.url, 'GET', '/v1/tokens', { token: tok.admin });
  assert.equal(list.status, 200);
  assert.equal(list.body.tokens.length, made.length);
  for (const t of made) {
    assert.ok(!list.text.includes(t), 'no token in the list');
    assert.ok(!list.text.includes(hashToken(t)), 'no hash in the list');
  }
  const b = list.body.tokens.find((t: { description: string }) => t.description === 'acctB');
  assert.deepEqual({ scopes: b.scopes, account: b.account }, { scopes: ['admin'], account: 'acct-b' });

  await mint('doomed', { scopes: ['api'] }, tok.admin);
  assert.equal((await call(server.url, 'GET', '/v1/accounts', { token: tok.doomed })).status, 200);
  const id = (await call(server.url, 'GET', '/v1/tokens', { token: tok.admin })).body.tokens.find((t: { description: string }) => t.description === 'doomed').id;
  const del = await call(server.url, 'DELETE', `/v1/token/${id}`, { token: tok.admin });
  assert.deepEqual(del.body, { id, deleted: true });
  refused(await call(server.url, 'GET', '/v1/accounts', { token: tok.doomed }), 401, 'revoked token');
  assert.equal((await call(server.url, 'DELETE', `/v1/token/${id}`, { token: tok.admin })).body.code, 'TokenNotFound');
});

test('bad token requests are 400s naming the field', async () => {
  const r = await call(server.url, 'POST', '/v1/token', { token: tok.admin, body: { description: 'x', scopes: ['root'] } });
  assert.equal(r.status, 400);
  assert.ok(r.body.details.some((d: { field: string }) => d.field.startsWith('scopes')), r.text);
  const past = await call(server.url, 'POST', '/v1/token', { token: tok.admin, body: { description: 'x', scopes: ['api'], expires: '2001-01-01T00:00:00Z' } });
  assert.deepEqual(past.body.details, [{ field: 'expires', reason: 'must be in the future' }]);
});

test('no token is ever in the server\'s output; lastUsed reaches the store at shutdown', async () => {
  await server.stop();
  for (const t of made) assert.ok(!server.output().includes(t), 'token in the output');
  const listed = JSON.parse(cliList(server.dataDir).stdout) as { tokens: { description: string; lastUsed?: string }[] };
  assert.ok(listed.tokens.find((t) => t.description === 'admin')?.lastUsed, 'admin token lastUsed stored');
  for (const t of made) assert.ok(!JSON.stringify(listed).includes(t));
});
