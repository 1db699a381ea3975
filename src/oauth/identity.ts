// Who signed in at the end of an authorization-code flow: the mailbox address in the ID token
// the token endpoint returned, else what the userinfo endpoint says for the new access token.
// The ID token came straight from the token endpoint over our own request, so its signature
// need not be checked (OpenID Connect Core §3.1.3.7, item 6); its audience and expiry are.

export type Identity = { ok: true; user: string } | { ok: false; reason: string };

/** Claims that name the mailbox, best first, unless the app's provider says otherwise. */
export const DEFAULT_CLAIMS = ['email', 'preferred_username', 'upn'] as const;
/** An address as a login name: no spaces or control characters (it goes into a SASL string). */
const ADDRESS = /^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+$/;

function addressIn(claims: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = claims[name];
    // an address the provider itself says it has not verified names nobody
    if (name === 'email' && claims.email_verified === false) continue;
    if (typeof v === 'string' && ADDRESS.test(v) && v.length <= 512) return v;
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

/** Why the ID token is not for this client now, or null when it is (OpenID Connect Core
 *  §3.1.3.7 items 3-5 and 9: aud and exp are required, azp names us when there are several). */
function idTokenProblem(claims: Record<string, unknown>, clientId: string, now: number): string | null {
  const aud = claims.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(clientId)) return 'the ID token is for another client';
  if (audiences.length > 1 && claims.azp !== clientId) return 'the ID token was issued to another party (azp)';
  if (typeof claims.exp !== 'number') return 'the ID token has no expiry';
  if (claims.exp * 1000 < now - 60_000) return 'the ID token has expired';
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
  /** the claims that name the mailbox, best first (default DEFAULT_CLAIMS) */
  claims?: readonly string[];
  now?: number;
}

/** The address that signed in; never throws. */
export async function signedInUser(input: IdentityInput): Promise<Identity> {
  const claims = input.idToken ? jwtClaims(input.idToken) : null;
  if (claims) {
    const problem = idTokenProblem(claims, input.clientId, input.now ?? Date.now());
    if (problem) return { ok: false, reason: problem };
    const user = addressIn(claims, input.claims ?? DEFAULT_CLAIMS);
    if (user) return { ok: true, user };
  }
  if (!input.userinfoUrl) return { ok: false, reason: 'the provider did not say which mailbox signed in (no address in the ID token, and the app has no userinfoUrl)' };
  const info = await userinfo(input.userinfoUrl, input.accessToken, input.timeoutMs);
  if (typeof info === 'string') return { ok: false, reason: info };
  const user = addressIn(info, input.claims ?? DEFAULT_CLAIMS);
  return user ? { ok: true, user } : { ok: false, reason: 'the userinfo answer names no mailbox address (email, preferred_username or upn)' };
}
