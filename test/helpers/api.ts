// A small JSON client for the tests: one call, status and parsed body back; every answer is
// checked against the schema its route declares (helpers/route-schemas.ts). With
// IMAPAPI_TEST_RESPONSES set, every answer is appended there (scripts/grep-secrets.mjs reads it).
import { appendFileSync } from 'node:fs';
import { answerProblems } from './route-schemas.js';
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** JSON request against the server; `body` is sent as is when it is a string. */
export async function api<T = any>(base: string, method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  const record = process.env.IMAPAPI_TEST_RESPONSES;
  if (record) appendFileSync(record, `${JSON.stringify({ method, path, status: res.status, body: text })}\n`);
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* keep text */ }
  const problems = answerProblems(method, path, res.status, parsed);
  if (problems.length) throw new Error(`${method} ${path} → ${res.status} does not match its route's schema: ${problems.join('; ')}`);
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Poll `fn` until it returns a truthy value or `ms` pass. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, ms = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The original IMAP API's registration example, pointed at a test server. */
export function exampleAccount(account: string, imap: { host: string; port: number; user: string; pass: string }) {
  return {
    account,
    name: 'My Example Account',
    imap: { host: imap.host, port: imap.port, secure: false, auth: { user: imap.user, pass: imap.pass } },
    smtp: { host: 'smtp.gmail.com', port: 465, secure: true, auth: { user: imap.user, pass: imap.pass } },
  };
}
