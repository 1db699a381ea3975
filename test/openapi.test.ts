// The OpenAPI document built from the route table: every route is in it with its parameters,
// body and answer, every $ref resolves, the error answers use the one Error component, it is a
// valid OpenAPI 3.1 document, and openapi/openapi.json is what the code builds now
// (UPDATE_OPENAPI=1 writes it again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { routes } from '../src/http/routes/index.js';
import { buildOpenApi } from '../src/openapi/build.js';
import { DOCUMENT_PATH, documentText } from '../src/openapi/write.js';
import { EVENT_NAMES } from '../src/events/types.js';

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

/** JSON pointers where `a` and `b` differ (the first few). */
function differences(a: unknown, b: unknown, at = '', out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(at || '/');
  return out;
}

test('openapi/openapi.json is the document the code builds (npm run openapi writes it)', () => {
  const now = documentText();
  if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(DOCUMENT_PATH, now);
  const stored = readFileSync(DOCUMENT_PATH, 'utf8');
  assert.deepEqual(differences(JSON.parse(stored), JSON.parse(now)), [], 'run `npm run openapi` and commit openapi/openapi.json');
  assert.equal(stored, now);
});

test('the document is valid OpenAPI 3.1', async () => {
  const validator = new Validator();
  const res = await validator.validate(JSON.parse(documentText()));
  assert.equal(validator.version, '3.1');
  assert.deepEqual(res.errors ?? [], []);
  assert.equal(res.valid, true);
});

test('shared shapes are named components, referred to rather than repeated', () => {
  for (const name of ['Error', 'MessageEntry', 'AccountView', 'EventPayload', 'SearchCriteria']) assert.ok(doc.components?.schemas?.[name], name);
  const list = doc.paths?.['/v1/account/{account}/messages']?.get?.responses?.['200'] as { content: Record<string, { schema: unknown }> };
  assert.deepEqual(list.content['application/json']!.schema, { $ref: '#/components/schemas/MessageList' });
});

const component = (ref: unknown) => doc.components?.schemas?.[String((ref as { $ref?: string })?.$ref).replace('#/components/schemas/', '')] as
  { properties: Record<string, unknown>; oneOf?: unknown[]; discriminator?: { propertyName: string; mapping: Record<string, string> } } | undefined;

test('every event type is a webhook of the document, its payload and data named components', () => {
  for (const event of EVENT_NAMES) {
    const body = doc.webhooks?.[event]?.post?.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
    assert.ok(body, `webhook ${event}`);
    const payload = component(body.content['application/json']!.schema);
    assert.ok(payload, `${event} payload is a component`);
    assert.deepEqual(payload.properties['event'], { type: 'string', const: event });
    assert.ok(component(payload.properties['data']), `${event} data is a component`);
  }
});

test('pull API items and stream frames are the same per-event components as the webhooks', () => {
  const webhook = (event: string) => (doc.webhooks?.[event]?.post?.requestBody as { content: Record<string, { schema: { $ref: string } }> }).content['application/json']!.schema.$ref;
  const page = component((doc.paths?.['/v1/events']?.get?.responses?.['200'] as { content: Record<string, { schema: unknown }> }).content['application/json']!.schema);
  const any = component((page?.properties['events'] as { items: unknown }).items);
  assert.ok(any?.oneOf && any.discriminator);
  assert.deepEqual(any.oneOf, EVENT_NAMES.map((e) => ({ $ref: webhook(e) })));
  assert.equal(any.discriminator.propertyName, 'event');
  for (const e of EVENT_NAMES) assert.equal(any.discriminator.mapping[e], webhook(e));

  const stream = (doc.paths?.['/v1/stream']?.get?.responses?.['101'] as { content: Record<string, { schema: { anyOf: unknown[]; description: string } }> }).content['application/json']!.schema;
  assert.deepEqual(stream.anyOf, [{ $ref: '#/components/schemas/Event' }, { $ref: '#/components/schemas/AccountStateFrame' }]);
  assert.match(stream.description, /states=true/);
  const states = (doc.paths?.['/v1/stream']?.get?.parameters as { name: string; schema: { type: string } }[]).find((p) => p.name === 'states');
  assert.equal(states?.schema.type, 'boolean');
});
