// The original IMAP API's Swagger 2.0 document as a test oracle: its operations, the query
// parameters and body fields each declares, and an ajv validator for each 200 answer. A
// Conformance records what the calls used, so a test can prove every operation and every
// declared field was exercised and every answer conformed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Schema = Record<string, any>;
interface Param { name: string; in: string; schema?: Schema }
export interface Operation {
  method: string;
  /** with `{name}` parameters, as in the document */
  path: string;
  query: string[];
  body: Schema | undefined;
  /** the 200 answer's schema; undefined when only a `default` (binary) answer is declared */
  response: Schema | undefined;
}

// a copy in the repository, so CI needs nothing outside the clone (test/fixtures/README.md)
const DOC = fileURLToPath(new URL('../../../test/fixtures/imapapi-1.8.2-swagger.json', import.meta.url));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Dotted paths of every field in a JSON value (`a.b`, array items as `a[].b`). */
export function valuePaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => valuePaths(v, `${prefix}[]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...valuePaths(v, path)];
  });
}

export class OriginalApi {
  readonly doc: Schema = JSON.parse(readFileSync(DOC, 'utf8'));
  readonly operations: Operation[] = [];
  readonly #ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  readonly #validators = new Map<string, ValidateFunction>();

  constructor() {
    for (const [path, ops] of Object.entries<Schema>(this.doc['paths'])) {
      for (const [method, op] of Object.entries<Schema>(ops)) {
        const params: Param[] = op['parameters'] ?? [];
        this.operations.push({
          method: method.toUpperCase(), path,
          query: params.filter((p) => p.in === 'query').map((p) => p.name),
          body: params.find((p) => p.in === 'body')?.schema,
          response: op['responses']?.['200']?.schema,
        });
      }
    }
  }

  operation(method: string, path: string): Operation {
    const op = this.operations.find((o) => o.method === method && o.path === path);
    if (!op) throw new Error(`the document has no ${method} ${path}`);
    return op;
  }

  /** ajv's complaints about `answer` against the operation's 200 schema ([] = conforms). */
  check(op: Operation, answer: unknown): string[] {
    if (!op.response) return [];
    const key = `${op.method} ${op.path}`;
    let validate = this.#validators.get(key);
    if (!validate) {
      validate = this.#ajv.compile({ ...op.response, definitions: this.doc['definitions'] });
      this.#validators.set(key, validate);
    }
    if (validate(answer)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }

  /** Every field path the body schema declares (through $refs, arrays as `[]`). */
  bodyFields(op: Operation): string[] {
    return op.body ? this.#fields(op.body, '', 0) : [];
  }

  #fields(schema: Schema, prefix: string, depth: number): string[] {
    const s = this.#resolve(schema);
    if (depth > 6) return [];
    if (s['type'] === 'array' && s['items']) return this.#fields(s['items'], `${prefix}[]`, depth + 1);
    return Object.entries<Schema>(s['properties'] ?? {}).flatMap(([k, v]) => {
      const path = prefix ? `${prefix}.${k}` : k;
      return [path, ...this.#fields(v, path, depth + 1)];
    });
  }

  #resolve(schema: Schema): Schema {
    const ref: unknown = schema['$ref'];
    if (typeof ref !== 'string') return schema;
    return this.#resolve(this.doc['definitions'][ref.replace('#/definitions/', '')]);
  }
}

export interface CallRecord { op: Operation; status: number; problems: string[] }

/** Calls operations by their document path and records what each call used and got. */
export class Conformance {
  readonly api = new OriginalApi();
  readonly records: CallRecord[] = [];
  readonly #usedQuery = new Map<string, Set<string>>();
  readonly #usedBody = new Map<string, Set<string>>();
  readonly #base: string;

  constructor(base: string) {
    this.#base = base;
  }

  /** One call; `expect` is the status the test wants (200 unless said otherwise). */
  async call(method: string, path: string, opts: { params?: Record<string, string>; query?: Record<string, string | number | boolean>; body?: unknown; expect?: number } = {}): Promise<{ status: number; body: any; text: string; headers: Headers; problems: string[] }> {
    const op = this.api.operation(method, path);
    const key = `${method} ${path}`;
    const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = opts.params?.[name];
      if (value === undefined) throw new Error(`${key}: no value for {${name}}`);
      return encodeURIComponent(value);
    });
    const query = new URLSearchParams(Object.entries(opts.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]));
    for (const name of query.keys()) this.#mark(this.#usedQuery, key, [name]);
    if (opts.body !== undefined) this.#mark(this.#usedBody, key, valuePaths(opts.body));
    const init: RequestInit = { method };
    if (opts.body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(opts.body);
    }
    const res = await fetch(`${this.#base}${concrete}${query.size ? `?${query}` : ''}`, init);
    const text = await res.text();
    let body: unknown;
    try { body = JSON.parse(text); } catch { /* binary or text answer */ }
    const problems: string[] = [];
    const expect = opts.expect ?? 200;
    if (res.status !== expect) problems.push(`status ${res.status}, wanted ${expect}: ${text.slice(0, 300)}`);
    else if (expect === 200 && op.response) problems.push(...this.api.check(op, body));
    this.records.push({ op, status: res.status, problems });
    return { status: res.status, body, text, headers: res.headers, problems };
  }

  /** Operations of the document never called with a 200 answer. */
  uncalled(): string[] {
    const ok = new Set(this.records.filter((r) => r.status === 200).map((r) => `${r.op.method} ${r.op.path}`));
    return this.api.operations.map((o) => `${o.method} ${o.path}`).filter((k) => !ok.has(k));
  }

  /** Declared query parameters and body fields that no call used, as `METHOD path: field`. */
  unused(): string[] {
    const out: string[] = [];
    for (const op of this.api.operations) {
      const key = `${op.method} ${op.path}`;
      for (const q of op.query) if (!this.#usedQuery.get(key)?.has(q)) out.push(`${key}: ?${q}`);
      for (const f of this.api.bodyFields(op)) if (!this.#usedBody.get(key)?.has(f)) out.push(`${key}: ${f}`);
    }
    return out;
  }

  #mark(map: Map<string, Set<string>>, key: string, names: string[]): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    for (const n of names) set.add(n);
  }
}
