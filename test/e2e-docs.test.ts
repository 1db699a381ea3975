// GET /docs against the built server: Swagger UI served from memory with ETags and 304s,
// pointed at /openapi.json, with no inline script and nothing loaded from another host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';

let server: RunningServer;
let html = '';

before(async () => {
  server = await startServer({ shards: 1 });
  html = await (await fetch(`${server.url}/docs`)).text();
});
after(async () => {
  await server?.stop();
  if (server) await removeDir(server.dataDir);
});

/** Every URL the page loads: <script src> and <link href>. */
const references = (page: string) => [...page.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
const typeOf = (url: string) => {
  const path = new URL(url, 'http://x').pathname;
  if (path.endsWith('.js')) return /^text\/javascript/;
  if (path.endsWith('.css')) return /^text\/css/;
  if (path.endsWith('.png')) return /^image\/png$/;
  throw new Error(`unexpected asset ${url}`);
};
/** http(s) URLs whose host is not this server. */
const foreignUrls = (text: string) => [...text.matchAll(/https?:\/\/[^\s"'`<>)]+/g)].map((m) => m[0])
  .filter((u) => new URL(u).host !== new URL(server.url).host);

test('/docs is an HTML page that loads Swagger UI from /docs/assets and our init script', async () => {
  const res = await fetch(`${server.url}/docs`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
  const refs = references(html);
  assert.ok(refs.some((r) => r.startsWith('/docs/assets/swagger-ui-bundle.js')), html);
  assert.ok(refs.some((r) => r.startsWith('/docs/assets/swagger-ui.css')), html);
  assert.ok(refs.some((r) => r.startsWith('/docs/init.js')), html);
  assert.equal((await fetch(`${server.url}/docs/`)).status, 200);
});

test('our init script points Swagger UI at /openapi.json with try-it-out on, and the document is there', async () => {
  const init = await (await fetch(`${server.url}/docs/init.js`)).text();
  assert.match(init, /url: '\/openapi\.json'/);
  assert.match(init, /tryItOutEnabled: true/);
  assert.match(init, /validatorUrl: null/);
  const doc = await fetch(`${server.url}/openapi.json`);
  assert.equal(doc.status, 200);
  const body = await doc.json() as { openapi: string; paths: Record<string, unknown>; servers?: { url: string }[] };
  assert.match(body.openapi, /^3\.1\./);
  assert.ok(body.paths['/v1/accounts'], 'the document lists the API');
  // try-it-out sends requests to the document's servers; none (or a relative one) means this server
  for (const s of body.servers ?? []) assert.ok(!/^https?:/.test(s.url) || new URL(s.url).host === new URL(server.url).host, s.url);
});

test('every file the page references answers 200 with its content type, an ETag and Cache-Control', async () => {
  for (const ref of references(html)) {
    const res = await fetch(`${server.url}${ref}`);
    assert.equal(res.status, 200, ref);
    assert.match(res.headers.get('content-type') ?? '', typeOf(ref), ref);
    assert.match(res.headers.get('etag') ?? '', /^"[\w-]+"$/, ref);
    assert.ok(res.headers.get('cache-control'), ref);
    assert.ok((await res.arrayBuffer()).byteLength > 0, ref);
  }
});

test('a matching If-None-Match gets 304 with no body; another tag gets the file', async () => {
  for (const ref of ['/docs', ...references(html)]) {
    const first = await fetch(`${server.url}${ref}`);
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    const again = await fetch(`${server.url}${ref}`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304, ref);
    assert.equal(again.headers.get('etag'), etag, ref);
    assert.equal((await again.arrayBuffer()).byteLength, 0, ref);
    const other = await fetch(`${server.url}${ref}`, { headers: { 'if-none-match': '"something-else", W/"x"' } });
    assert.equal(other.status, 200, ref);
    await other.arrayBuffer();
  }
});

test('HEAD on an asset answers its headers and length without the bytes', async () => {
  const ref = references(html).find((r) => r.includes('swagger-ui.css'))!;
  const get = await fetch(`${server.url}${ref}`);
  const size = (await get.arrayBuffer()).byteLength;
  const head = await fetch(`${server.url}${ref}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(size));
  assert.equal(head.headers.get('etag'), get.headers.get('etag'));
});

test('the page loads nothing from another host: no foreign URL, no inline script, a same-origin CSP', async () => {
  const init = await (await fetch(`${server.url}/docs/init.js`)).text();
  assert.deepEqual(foreignUrls(html), []);
  assert.deepEqual(foreignUrls(init), []);
  for (const ref of references(html)) assert.ok(ref.startsWith('/') && !ref.startsWith('//'), `${ref} is not on this server`);
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(m[1]!, /\bsrc="/, 'a script without src');
    assert.equal(m[2]!.trim(), '', 'an inline script');
  }
  const csp = (await fetch(`${server.url}/docs`)).headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /connect-src 'self'/);
  assert.doesNotMatch(csp, /https?:/);
  // the stylesheet pulls no web fonts or images from elsewhere: its url()s are data: URIs
  const css = await (await fetch(`${server.url}${references(html).find((r) => r.includes('swagger-ui.css'))}`)).text();
  const urls = [...css.matchAll(/url\(\s*['"]?([^'")]+)/g)].map((m) => m[1]!);
  assert.deepEqual(urls.filter((u) => !u.startsWith('data:')), []);
});

test('an unknown asset is the JSON 404 error body', async () => {
  for (const path of ['/docs/assets/nope.js', '/docs/assets/package.json', '/docs/assets/swagger-ui-bundle.js.map']) {
    const res = await fetch(`${server.url}${path}`);
    assert.equal(res.status, 404, path);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = await res.json() as Record<string, unknown>;
    assert.deepEqual({ ...body, message: undefined }, { error: 'Not Found', statusCode: 404, code: 'RouteNotFound', message: undefined }, path);
  }
  const head = await fetch(`${server.url}/docs/assets/nope.js`, { method: 'HEAD' });
  assert.equal(head.status, 404);
  assert.equal((await head.arrayBuffer()).byteLength, 0, 'a HEAD gets no body, not even the error');
});
