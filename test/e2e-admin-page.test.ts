// GET / against the built server: the admin page and its modules served from memory with a
// CSP, ETags and 304s; every module it imports is served; no module builds markup from strings.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_DIR } from '../src/http/admin-page.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';

let server: RunningServer;

before(async () => { server = await startServer({ shards: 1 }); });
after(async () => {
  await server?.stop();
  if (server) await removeDir(server.dataDir);
});

const scripts = readdirSync(ADMIN_DIR).filter((f) => f.endsWith('.js'));

test('/ is the admin page with a CSP that keeps scripts, styles and requests on this origin', async () => {
  const res = await fetch(`${server.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
  const csp = res.headers.get('content-security-policy') ?? '';
  for (const rule of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) assert.ok(csp.includes(rule), csp);
  assert.ok(!csp.includes('unsafe-inline'), csp);
  const html = await res.text();
  assert.match(html, /<script type="module" src="\/admin\/main\.js">/);
  assert.doesNotMatch(html, /<script>(?!<\/script>)|\son\w+="/, 'no inline script or handler (the CSP would refuse it)');
  assert.equal((await fetch(`${server.url}/admin/`)).status, 200);
});

test('every file of admin/ is served with its type, an ETag, and 304 on If-None-Match; HEAD has no body', async () => {
  for (const name of readdirSync(ADMIN_DIR)) {
    const res = await fetch(`${server.url}/admin/${name}`);
    assert.equal(res.status, 200, name);
    assert.equal(Buffer.from(await res.arrayBuffer()).compare(readFileSync(join(ADMIN_DIR, name))), 0, `${name}: the file's bytes`);
    const etag = res.headers.get('etag');
    assert.match(etag ?? '', /^"[\w-]+"$/, name);
    assert.equal(res.headers.get('cache-control'), 'no-cache', name);
    if (name.endsWith('.js')) assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/, name);
    const again = await fetch(`${server.url}/admin/${name}`, { headers: { 'if-none-match': etag! } });
    assert.equal(again.status, 304, name);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
  }
  const head = await fetch(`${server.url}/admin/main.js`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(readFileSync(join(ADMIN_DIR, 'main.js')).length));
});

test('an unknown admin file is the JSON 404 of the API', async () => {
  const res = await fetch(`${server.url}/admin/nope.js`);
  assert.equal(res.status, 404);
  assert.equal((await res.json() as { statusCode: number }).statusCode, 404);
});

test('every module the page imports is one of the served files', () => {
  for (const file of scripts) {
    const source = readFileSync(join(ADMIN_DIR, file), 'utf8');
    for (const [, spec] of source.matchAll(/\bfrom '([^']+)'/g)) {
      assert.match(spec!, /^\.\/[\w-]+\.js$/, `${file} imports ${spec}: only sibling modules`);
      assert.ok(scripts.includes(spec!.slice(2)), `${file} imports ${spec}, which is not in admin/`);
    }
  }
});

test('no module turns strings into markup (server text such as folder names stays text)', () => {
  for (const file of scripts) {
    const source = readFileSync(join(ADMIN_DIR, file), 'utf8');
    assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, file);
  }
});
