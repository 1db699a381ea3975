// The `state` of an authorization request (RFC 6749 §10.12): what the callback needs (app,
// account, where to go next, the PKCE verifier, the nonce of the browser's cookie) sealed with
// the server key, so it cannot be read, forged or changed on its way, and expires.
import { createHash, randomBytes } from 'node:crypto';

export interface FlowState {
  app: string;
  account: string;
  name?: string;
  /** where the browser goes after the callback; absent: the admin page */
  redirect?: string;
  /** the address to preselect at the provider */
  loginHint?: string;
  /** RFC 7636 code_verifier: only its S256 challenge goes to the provider */
  verifier: string;
  /** names the cookie that binds the sign-in to the browser that started it; spent once */
  nonce: string;
  /** ms since epoch after which the callback refuses the state */
  expires: number;
}

/** The sealing the state uses (the server's SecretBox): raw bytes, so the URL carries no
 *  text prefix of the stored-value format. */
export interface Sealer {
  sealBytes(plain: Uint8Array): Uint8Array;
  openBytes(sealed: Uint8Array): Uint8Array;
}

export type OpenedState = { ok: true; state: FlowState } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'expired'; state: FlowState };

/** Tells a state from any other value sealed with the same key (stored passwords, …). */
const KIND = 'oauth-state:1';

/** A fresh nonce (16 random bytes), also a valid cookie-name suffix. */
export const newNonce = (): string => randomBytes(16).toString('base64url');

/** The cookie that says this browser started the sign-in of `nonce`. */
export const cookieName = (nonce: string): string => `imapapi_oauth_${nonce}`;

/** Whether the Cookie header carries the cookie of `nonce`. */
export function hasCookie(header: string, nonce: string): boolean {
  const name = cookieName(nonce);
  return header.split(';').some((c) => c.trim().split('=')[0] === name);
}

/** A fresh PKCE verifier: 32 random bytes, 43 characters (RFC 7636 §4.1). */
export const newVerifier = (): string => randomBytes(32).toString('base64url');

/** The S256 code_challenge of `verifier` (RFC 7636 §4.2). */
export const challengeOf = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** `account.sealed`: the account in the clear (base64url) routes the callback to the shard
 *  that owns it; the sealed part is what counts, and names the same account. */
export function sealState(box: Sealer, state: FlowState): string {
  const sealed = Buffer.from(box.sealBytes(Buffer.from(JSON.stringify({ kind: KIND, ...state }), 'utf8'))).toString('base64url');
  return `${Buffer.from(state.account).toString('base64url')}.${sealed}`;
}

/** The account a state claims to be for (unverified: only for routing), or null. */
export function stateAccount(state: string): string | null {
  const dot = state.indexOf('.');
  if (dot <= 0) return null;
  const account = Buffer.from(state.slice(0, dot), 'base64url').toString('utf8');
  return account || null;
}

function parsed(json: string): FlowState | null {
  try {
    const { kind, ...s } = JSON.parse(json) as Partial<FlowState> & { kind?: unknown };
    if (kind !== KIND || typeof s.app !== 'string' || typeof s.account !== 'string' || typeof s.verifier !== 'string'
      || typeof s.nonce !== 'string' || typeof s.expires !== 'number') return null;
    return s as FlowState;
  } catch {
    return null;
  }
}

/** The state as sealed, if this server sealed it for this account and it has not expired. */
export function openState(box: Sealer, state: string, now = Date.now()): OpenedState {
  const dot = state.indexOf('.');
  let json: string;
  try {
    json = Buffer.from(box.openBytes(Buffer.from(state.slice(dot + 1), 'base64url'))).toString('utf8');
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const s = parsed(json);
  if (!s || s.account !== stateAccount(state)) return { ok: false, reason: 'invalid' };
  if (now > s.expires) return { ok: false, reason: 'expired', state: s };
  return { ok: true, state: s };
}
