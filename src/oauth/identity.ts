// Who signed in at the end of an authorization-code flow: the mailbox address in the ID token
// the token endpoint returned, else what the userinfo endpoint says for the new access token.
// The ID token came straight from the token endpoint over our own request, so its signature
// need not be checked (OpenID Connect Core §3.1.3.7, item 6); its audience and expiry are.

export type Identity = { ok: true; user: string } | { ok: false; reason: string };

/** Claims that name the mailbox, best first (Microsoft puts the address in preferred_username or upn). */
const CLAIMS = ['email', 'preferred_username', 'upn'] as const;

function addressIn(claims: Record<string, unknown>): string | undefined {
  for (const name of CLAIMS) {
    const v = claims[name];
    if (typeof v === 'string' && /^[^\s@]+@[^\s@]+$/.test(v) && v.length <= 512) return v;
  }
  return undefined;
}

/** The payload of a compact JWT, or null when it is not one. */
function jwtClaims(jwt: string): Record<string, unknown> | null {
  const part = jwt.split('.')[1];
  if (!part) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? claims as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/** Why the ID token is not for this client now, or null when it is. */
function idTokenProblem(claims: Record<string, unknown>, clientId: string, now: number): string | null {
  const aud = claims.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (aud !== undefined && !audiences.includes(clientId)) return 'the ID token is for another client';
  if (typeof claims.exp === 'number' && claims.exp * 1000 < now - 60_000) return 'the ID token has expired';
  return null;
}

async function userinfo(url: string, accessToken: string, timeoutMs: number): Promise<Record<string, unknown> | string> {
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (!res.ok) return `the userinfo endpoint answered HTTP ${res.status}`;
    const body: unknown = await res.json().catch(() => null);
    return body && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : 'the userinfo answer is not a JSON object';
  } catch (err) {
    return (err as Error).name === 'TimeoutError' ? `the userinfo endpoint gave no answer within ${timeoutMs} ms` : 'the userinfo endpoint cannot be reached';
  }
}

export interface IdentityInput {
  idToken: string | undefined;
  accessToken: string;
  clientId: string;
  userinfoUrl: string | undefined;
  timeoutMs: number;
  now?: number;
}

/** The address that signed in; never throws. */
export async function signedInUser(input: IdentityInput): Promise<Identity> {
  const claims = input.idToken ? jwtClaims(input.idToken) : null;
  if (claims) {
    const problem = idTokenProblem(claims, input.clientId, input.now ?? Date.now());
    if (problem) return { ok: false, reason: problem };
    const user = addressIn(claims);
    if (user) return { ok: true, user };
  }
  if (!input.userinfoUrl) return { ok: false, reason: 'the provider did not say which mailbox signed in (no address in the ID token, and the app has no userinfoUrl)' };
  const info = await userinfo(input.userinfoUrl, input.accessToken, input.timeoutMs);
  if (typeof info === 'string') return { ok: false, reason: info };
  const user = addressIn(info);
  return user ? { ok: true, user } : { ok: false, reason: 'the userinfo answer names no mailbox address (email, preferred_username or upn)' };
}
