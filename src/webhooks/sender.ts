// Makes webhook requests over one keep-alive undici Agent. Every outcome (2xx, another
// status, a network error, a timeout) comes back as a value; nothing here throws.
import { Agent, request } from 'undici';
import type { Envelope } from './policy.js';
import { sign, SIGNATURE_HEADER } from './sign.js';
import { cachedTarget } from '../lib/url-credentials.js';

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

export class Sender {
  readonly #agent: Agent;
  readonly #timeout: number;
  /** credentials in the webhook URL go as Basic auth (undici would drop them silently) */
  readonly #target = cachedTarget();

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
    try {
      const target = this.#target(url);
      let headers = secret ? { ...env.headers, [SIGNATURE_HEADER]: sign(secret, env.body) } : env.headers;
      if (target.authorization) headers = { ...headers, authorization: target.authorization };
      const res = await request(target.url, { method: 'POST', headers, body: env.body, dispatcher: this.#agent, signal: AbortSignal.timeout(timeout) });
      // the answer is ignored, but reading it to the end is what frees the socket for reuse
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return { ok, status: res.statusCode, error: ok ? null : `HTTP ${res.statusCode}`, durationMs: took() };
    } catch (err) {
      return { ok: false, status: null, error: describe(err, timeout), durationMs: took() };
    }
  }

  /** Close idle sockets; requests still in flight are cut off. */
  close(): Promise<void> {
    return this.#agent.destroy();
  }
}

function describe(err: unknown, timeout: number): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (e.name === 'TimeoutError') return `timeout after ${timeout} ms`;
  return [typeof e.code === 'string' ? e.code : null, e.message ?? String(err)].filter(Boolean).join(': ');
}
