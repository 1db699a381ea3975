// Makes webhook requests over one keep-alive undici Agent. Every outcome (2xx, another
// status, a network error, a timeout) comes back as a value; nothing here throws.
import { Agent } from 'undici';
import { Deadlines } from '../lib/deadlines.js';
import { withoutCredentials } from '../lib/url-credentials.js';
import type { Envelope } from './policy.js';
import { post } from './post.js';
import { sign, SIGNATURE_HEADER } from './sign.js';

export interface Attempt {
  ok: boolean;
  status: number | null;
  /** why it failed: "HTTP 500", "ECONNREFUSED: connect …", "timeout after 10000 ms" */
  error: string | null;
  durationMs: number;
}

export interface SenderOptions {
  /** whole-request timeout, ms */
  timeout: number;
  /** sockets per receiver origin (the dispatcher caps requests in flight anyway) */
  connections: number;
}

/** Where a webhook URL's requests go; credentials in it travel as Basic auth (undici would drop them silently). */
interface Endpoint { origin: string; path: string; authorization: string | undefined }

function endpointOf(raw: string): Endpoint {
  const { url, authorization } = withoutCredentials(raw);
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}`, authorization };
}

export class Sender {
  readonly #agent: Agent;
  readonly #timeout: number;
  readonly #deadlines = new Deadlines();
  /** the last URL's endpoint: a webhook URL changes rarely and is used for every event */
  #last: { raw: string; endpoint: Endpoint } | null = null;

  constructor(opts: SenderOptions) {
    this.#timeout = opts.timeout;
    this.#agent = new Agent({
      connections: opts.connections, keepAliveTimeout: 30_000,
      connect: { timeout: opts.timeout }, headersTimeout: opts.timeout, bodyTimeout: opts.timeout,
    });
  }

  /** POST `env` to `url`, signed (at send time) when `secret` is set. */
  async post(url: string, secret: string | null, env: Envelope, timeout = this.#timeout): Promise<Attempt> {
    const t0 = performance.now();
    const took = () => Math.round((performance.now() - t0) * 10) / 10;
    let endpoint: Endpoint;
    try {
      endpoint = this.#endpoint(url);
    } catch (err) {
      return { ok: false, status: null, error: describe(err), durationMs: 0 };
    }
    let headers = secret ? { ...env.headers, [SIGNATURE_HEADER]: sign(secret, env.body) } : env.headers;
    if (endpoint.authorization) headers = { ...headers, authorization: endpoint.authorization };
    const end = await post(this.#agent, this.#deadlines, { origin: endpoint.origin, path: endpoint.path, headers, body: env.body, timeout });
    if ('timedOut' in end) return { ok: false, status: null, error: `timeout after ${timeout} ms`, durationMs: took() };
    if ('error' in end) return { ok: false, status: null, error: describe(end.error), durationMs: took() };
    const ok = end.status >= 200 && end.status < 300;
    return { ok, status: end.status, error: ok ? null : `HTTP ${end.status}`, durationMs: took() };
  }

  /** Close idle sockets; requests still in flight are cut off. */
  close(): Promise<void> {
    return this.#agent.destroy();
  }

  #endpoint(raw: string): Endpoint {
    if (this.#last?.raw !== raw) this.#last = { raw, endpoint: endpointOf(raw) };
    return this.#last.endpoint;
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return [typeof e.code === 'string' ? e.code : null, e.message ?? String(err)].filter(Boolean).join(': ');
}
