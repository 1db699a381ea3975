// Every answer the e2e tests get is checked against what the route table declares for it (the
// same schemas the API document shows), so the document cannot drift from the behaviour.
import { Compile } from 'typebox/compile';
import type { TSchema } from 'typebox';
import { routes } from '../../src/http/routes/index.js';

interface Matcher { method: string; pattern: RegExp; check: ReturnType<typeof Compile<TSchema>>; status: number }

const ERROR_KEYS = ['error', 'message', 'statusCode', 'code'];
let matchers: Matcher[] | undefined;

function table(): Matcher[] {
  matchers ??= routes.map((r) => ({
    method: r.method.toUpperCase(),
    pattern: new RegExp(`^${r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
    check: Compile(r.response),
    status: r.status ?? 200,
  }));
  return matchers;
}

/** Problems of a JSON answer to `method path` against its route's schema ([] = fine or not JSON). */
export function answerProblems(method: string, url: string, status: number, body: unknown): string[] {
  const path = new URL(url, 'http://x').pathname;
  if (typeof body !== 'object' || body === null) return [];
  if (status >= 400) {
    const missing = ERROR_KEYS.filter((k) => !(k in body));
    return missing.length ? [`error body without ${missing.join(', ')}`] : [];
  }
  const route = table().find((m) => m.method === method.toUpperCase() && m.pattern.test(path));
  if (!route || status !== route.status) return [];
  if (route.check.Check(body)) return [];
  return [...route.check.Errors(body)].slice(0, 5).map((e) => `${(e as { instancePath: string }).instancePath} ${(e as { message: string }).message}`);
}
