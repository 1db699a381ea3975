// Grants at an app's token endpoint: a refresh (RFC 6749 §6) and a code with its PKCE verifier
// (§4.1.3, RFC 7636 §4.5), the client authenticated by client_secret_post or HTTP Basic (§2.3.1),
// and the answer sorted into what the caller does next.
import type { TokenAuth } from '../schemas/oauth2.js';

/** What the token endpoint needs to know of the app. */
export interface OAuthClient {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  tokenAuth: TokenAuth;
  /** sent with the grant when set (Microsoft's v2 endpoint wants the scopes again) */
  scope?: string;
}

export type TokenAnswer =
  | { ok: true; accessToken: string; expiresIn: number | undefined; refreshToken: string | undefined; idToken: string | undefined }
  /** invalid_grant: the refresh token is dead; rejected: any other refusal; unavailable: try again later */
  | { ok: false; kind: 'invalid_grant' | 'rejected' | 'unavailable'; reason: string };

/** §2.3.1: the id and secret are form-urlencoded before they go into the Basic credentials. */
const basic = (id: string, secret: string) => 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');

function request(client: OAuthClient, grant: Record<string, string>): { headers: Record<string, string>; body: string } {
  const form = new URLSearchParams(grant);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (client.scope) form.set('scope', client.scope);
  if (client.tokenAuth === 'client_secret_basic') headers.authorization = basic(client.clientId, client.clientSecret);
  else {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }
  return { headers, body: form.toString() };
}

/** The provider's own words for a refusal (§5.2 error and error_description), never the body as a whole. */
function refusal(status: number, body: unknown): string {
  const { error, error_description: description } = (typeof body === 'object' && body ? body : {}) as Record<string, unknown>;
  const code = typeof error === 'string' ? error.slice(0, 100) : `HTTP ${status}`;
  return typeof description === 'string' ? `${code}: ${description.slice(0, 300)}` : code;
}

/** Exchange `refreshToken` for an access token; never throws. */
export function refreshGrant(client: OAuthClient, refreshToken: string, timeoutMs: number): Promise<TokenAnswer> {
  return tokenRequest(client, { grant_type: 'refresh_token', refresh_token: refreshToken }, timeoutMs);
}

/** Exchange an authorization code (sent back to `redirectUri`) for the grant's tokens; never throws. */
export function codeGrant(client: OAuthClient, code: string, redirectUri: string, verifier: string, timeoutMs: number): Promise<TokenAnswer> {
  return tokenRequest(client, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, timeoutMs);
}

/** Revoke `token` at `url` (RFC 7009 §2.1, the client authenticated as at the token endpoint);
 *  whether the endpoint took it. Never throws: a revocation is a courtesy, not a step. */
export async function revokeToken(client: OAuthClient, url: string, token: string, hint: 'refresh_token' | 'access_token', timeoutMs: number): Promise<boolean> {
  const { scope: _, ...plain } = client;
  try {
    const res = await fetch(url, { method: 'POST', ...request(plain, { token, token_type_hint: hint }), signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function tokenRequest(client: OAuthClient, grant: Record<string, string>, timeoutMs: number): Promise<TokenAnswer> {
  let res: Response;
  let body: unknown;
  try {
    res = await fetch(client.tokenUrl, { method: 'POST', ...request(client, grant), signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    body = await res.json().catch(() => undefined);
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'the token endpoint cannot be reached';
    return { ok: false, kind: 'unavailable', reason };
  }
  if (res.status >= 500 || res.status === 429) return { ok: false, kind: 'unavailable', reason: refusal(res.status, body) };
  if (!res.ok) {
    const kind = (body as { error?: unknown } | undefined)?.error === 'invalid_grant' ? 'invalid_grant' : 'rejected';
    return { ok: false, kind, reason: refusal(res.status, body) };
  }
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.access_token !== 'string' || !b.access_token) return { ok: false, kind: 'unavailable', reason: 'the answer holds no access_token' };
  const expiresIn = typeof b.expires_in === 'number' ? b.expires_in : typeof b.expires_in === 'string' ? Number(b.expires_in) || undefined : undefined;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return { ok: true, accessToken: b.access_token, expiresIn, refreshToken: text(b.refresh_token), idToken: text(b.id_token) };
}
