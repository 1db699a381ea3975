// The OpenAPI document built from the route table: every route is in it with its parameters,
// body and answer, every $ref resolves, and the error answers use the one Error component.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routes } from '../src/http/routes/index.js';
import { buildOpenApi } from '../src/openapi/build.js';

const doc = buildOpenApi(routes, '0.0.0-test');

test('every route of the table is an operation of the document', () => {
  for (const route of routes) {
    const op = doc.paths?.[route.path]?.[route.method];
    assert.ok(op, `${route.method.toUpperCase()} ${route.path} is missing`);
    assert.ok(op.responses?.[String(route.status ?? 200)], `${route.method} ${route.path} has no success answer`);
    const named = (op.parameters ?? []).filter((p) => 'in' in p && p.in === 'path').map((p) => ('name' in p ? p.name : ''));
    assert.deepEqual(named.sort(), [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort(), `${route.path}: path parameters`);
    if (route.body) assert.ok(op.requestBody, `${route.method} ${route.path} declares its body`);
  }
});

test('operation ids are unique and every $ref resolves', () => {
  const ids = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item).map((op) => (op as { operationId: string }).operationId));
  assert.equal(new Set(ids).size, ids.length, 'duplicate operationId');
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length > 0);
  for (const name of refs) assert.ok(doc.components?.schemas?.[name], `unresolved $ref ${name}`);
});

test('a validation error answer is documented where a route takes input', () => {
  const op = doc.paths?.['/v1/account']?.post;
  assert.match(String((op?.responses?.['400'] as { description: string }).description), /ValidationError/);
});
