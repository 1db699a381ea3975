// One request to the auth server (the original IMAP API's contract): GET <url>?account=&proto=
// answers the credentials of one login as JSON. Bounded in time and size; the answer is
// handed back and never logged.
import { withoutCredentials } from '../lib/url-credentials.js';

export type AuthServerAnswer = { ok: true; body: unknown } | { ok: false; reason: string };

/** Larger answers are not credentials. */
const MAX_BYTES = 64 * 1024;

async function readBounded(res: Response): Promise<string | null> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Ask `base` for the credentials of `account` over `proto`; failures come back as a reason. */
export async function askAuthServer(base: string, query: { account: string; proto: 'imap' | 'smtp' }, timeoutMs: number): Promise<AuthServerAnswer> {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return { ok: false, reason: 'the authServer setting is not a URL' };
  }
  url.searchParams.set('account', query.account);
  url.searchParams.set('proto', query.proto);
  const target = withoutCredentials(url);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.authorization) headers.authorization = target.authorization;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // no redirects: credentials go to the configured host only
    const res = await fetch(target.url, { signal, redirect: 'error', headers });
    const text = await readBounded(res);
    if (!res.ok) return { ok: false, reason: `answered HTTP ${res.status}` };
    if (text === null) return { ok: false, reason: `the answer is larger than ${MAX_BYTES} bytes` };
    try {
      return { ok: true, body: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, reason: 'the answer is not JSON' };
    }
  } catch (err) {
    if (signal.aborted) return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    // the URL is left out: it may carry its own credentials
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, reason: `request failed${cause ? ` (${cause})` : ''}` };
  }
}
