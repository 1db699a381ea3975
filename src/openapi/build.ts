// Builds the OpenAPI 3.1 document from the route table: every route's path, parameters, body,
// answer and error codes, from the same TypeBox schemas the validators use (openapi3-ts); the
// shared shapes (components.ts) are named once and referred to by $ref.
import { OpenApiBuilder, type OpenAPIObject, type OperationObject, type ParameterObject, type SchemaObject } from 'openapi3-ts/oas31';
import type { TSchema } from 'typebox';
import { CODES, type ErrorCode } from '../errors.js';
import type { AnyRoute } from '../http/route.js';
import { COMPONENTS } from './components.js';
import { webhookItems } from './webhooks.js';

/** A TypeBox schema as plain JSON Schema (TypeBox's symbol keys dropped). */
function plain(schema: TSchema): SchemaObject {
  return JSON.parse(JSON.stringify(schema)) as SchemaObject;
}

const ERROR: SchemaObject = {
  type: 'object',
  required: ['error', 'message', 'statusCode', 'code'],
  properties: {
    error: { type: 'string', description: 'HTTP reason phrase' },
    message: { type: 'string' },
    statusCode: { type: 'integer' },
    code: { type: 'string', enum: Object.keys(CODES) },
    details: { description: 'The failing fields ({field, reason}) or facts about the error', oneOf: [{ type: 'array', items: { type: 'object' } }, { type: 'object' }] },
  },
};

function parameters(route: AnyRoute): ParameterObject[] {
  const out: ParameterObject[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    const props = (schema ? plain(schema).properties : undefined) ?? {};
    const required = new Set((schema ? plain(schema).required : undefined) ?? []);
    for (const [name, s] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: s as SchemaObject });
    }
  }
  return out;
}

const SECURITY_DOC = 'An API token, as `Authorization: Bearer <token>` (the stream and the docs page also take `?access_token=`). '
  + 'While no token exists the API is open; once one does, every route but /health needs one. Each operation lists the scope it needs '
  + '(admin implies every scope); a token limited to one account reaches only that account. '
  + 'A missing, unknown or expired token is a 401, a token without the scope or for another account a 403, too many failures from one address a 429 with Retry-After.';

/** The operation's security requirement: its scope, none for a public route. */
function security(route: AnyRoute): NonNullable<OperationObject['security']> {
  if (route.scope === 'public') return [];
  return [{ bearer: route.scope === 'any' ? [] : [route.scope] }];
}

function operation(route: AnyRoute): OperationObject {
  const status = route.status ?? 200;
  const responses: NonNullable<OperationObject['responses']> = {
    [String(status)]: status >= 300 && status < 400
      ? { description: 'A redirect', headers: { Location: { description: 'Where the browser goes next', schema: { type: 'string' } } } }
      : {
        description: route.upgrade ? 'Switching Protocols: a WebSocket; each text frame is one of these, as JSON' : 'Success',
        content: { 'application/json': { schema: plain(route.response) } },
      },
  };
  const op: OperationObject = {
    summary: route.summary, tags: route.tags,
    operationId: `${route.method}${route.path.replace(/\{(\w+)\}/g, '_$1').split(/[^A-Za-z0-9_]+/).map((w) => w && w[0]!.toUpperCase() + w.slice(1)).join('')}`,
    parameters: parameters(route),
    security: security(route),
    responses,
  };
  if (route.body) op.requestBody = { required: !route.optionalBody, content: { 'application/json': { schema: plain(route.body) } } };
  const auth: ErrorCode[] = route.scope === 'public' ? [] : ['Unauthorized', 'Forbidden', 'TooManyRequests'];
  const codes: ErrorCode[] = [...new Set<ErrorCode>([...(route.body || route.query || route.params ? ['ValidationError' as const] : []), ...auth, ...route.errors,
    // http/account-gate.ts: every route of one account shares its concurrency limit
    ...(route.path.includes('{account}') && !route.upgrade ? ['TooManyRequests' as const] : [])])];
  for (const status of new Set(codes.map((c) => CODES[c]))) {
    const which = codes.filter((c) => CODES[c] === status);
    responses[String(status)] = { description: which.join(', '), content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return op;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `node` with every subtree that is a named component (to the letter) replaced by its $ref. */
function withRefs(node: unknown, names: ReadonlyMap<string, string>, self?: string): unknown {
  if (Array.isArray(node)) return node.map((n) => withRefs(n, names, self));
  if (!node || typeof node !== 'object') return node;
  const name = names.get(JSON.stringify(node));
  if (name && name !== self) return ref(name);
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withRefs(v, names, self)]));
}

/** The document for `routes`, as served at /openapi.json. */
export function buildOpenApi(routes: readonly AnyRoute[], version: string): OpenAPIObject {
  const builder = OpenApiBuilder.create()
    .addOpenApiVersion('3.1.0')
    .addInfo({ title: 'IMAP API', version, description: 'REST API, webhooks and change stream for IMAP accounts' })
    .addSchema('Error', ERROR)
    .addSecurityScheme('bearer', { type: 'http', scheme: 'bearer', description: SECURITY_DOC });
  const names = new Map(COMPONENTS.map(([name, schema]) => [JSON.stringify(plain(schema)), name]));
  for (const [name, schema] of COMPONENTS) builder.addSchema(name, withRefs(plain(schema), names, name) as SchemaObject);
  const byPath = new Map<string, Record<string, OperationObject>>();
  for (const route of routes) {
    const item = byPath.get(route.path) ?? {};
    item[route.method] = operation(route);
    byPath.set(route.path, item);
  }
  for (const [path, item] of byPath) builder.addPath(path, withRefs(item, names) as Record<string, OperationObject>);
  for (const [event, item] of webhookItems(plain)) builder.addWebhook(event, withRefs(item, names) as Record<string, OperationObject>);
  return builder.getSpec();
}
