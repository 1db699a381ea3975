// The end of a sign-in, shard side: the code traded for tokens within the callback's deadline,
// the mailbox that signed in, and the account registered or given its new grant — under
// preconditions checked in the account's settings turn, so a racing write is never overwritten.
import { ApiError } from '../errors.js';
import type { AccountInput, AccountPatch } from '../schemas/account.js';
import type { GrantPrecondition } from '../schemas/oauth2-flow.js';
import type { AccountRecord, AccountStore } from '../store/accounts.js';
import type { SecretBox } from '../store/crypto.js';
import type { OAuth2AppRecord, OAuth2AppStore } from '../store/oauth2-apps.js';
import type { FlowState } from '../oauth/auth-state.js';
import { signedInUser } from '../oauth/identity.js';
import { authorizeScopes, effectiveApp, identityClaims, oauthClient } from '../oauth/presets.js';
import { codeGrant, revokeToken, type OAuthClient, type TokenAnswer } from '../oauth/token-endpoint.js';
import { isAppLogin } from './account-settings.js';

/** A successful code grant that holds a refresh token. */
type Granted = Extract<TokenAnswer, { ok: true }> & { refreshToken: string };

/** ms a revocation of an unused grant may take (it runs after the browser has its answer). */
const REVOKE_TIMEOUT = 5000;

export interface FlowDeps {
  apps: OAuth2AppStore;
  store: AccountStore;
  secrets: SecretBox;
  /** ms a started sign-in stays valid */
  stateTtl: number;
  /** ms one request to the provider may take at most */
  timeout: number;
  /** mark a step of a state done; false when it was already */
  spend(nonce: string, expires: number, step: 'open' | 'callback'): Promise<boolean>;
  create(account: string, input: AccountInput, expect: GrantPrecondition): Promise<unknown>;
  /** the operator's record of each sign-in step that ended (never a token or code) */
  outcome(entry: { account: string; app: string; step: 'open' | 'callback'; result?: string; user?: string; error?: string; message?: string }): void;
  update(account: string, patch: AccountPatch, expect: GrantPrecondition): Promise<unknown>;
}

/** A failure the browser is sent back with (`error`, `message`): nothing was changed. These
 *  codes name sign-in outcomes in a redirect, not API errors (README lists them). */
export class FlowError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export const appNotFound = (app: string) => new ApiError('OAuth2AppNotFound', `OAuth2 app "${app}" does not exist`, { app });

/** Why `account` cannot take a grant of `app`: it exists with other credentials. */
export function conflictOf(existing: AccountRecord | undefined, account: string, app: OAuth2AppRecord): string | null {
  if (!existing) return null;
  if (isAppLogin(existing.oauth2) && existing.oauth2.app === app.id) return null;
  return `Account "${account}" exists and does not log in with OAuth2 app "${app.name}" (${app.id}); delete it first or choose another account id`;
}

/** Why `existing` no longer meets `expect`, or null (run in the account's settings turn). */
export function unmet(existing: AccountRecord | undefined, account: string, expect: GrantPrecondition): ApiError | null {
  if ('absent' in expect) return existing ? new ApiError('Conflict', `Account "${account}" was registered meanwhile; start the sign-in again`, { account }) : null;
  const o = existing?.oauth2;
  if (!existing || !isAppLogin(o) || o.app !== expect.app || o.user.toLowerCase() !== expect.user.toLowerCase()) {
    return new ApiError('Conflict', `Account "${account}" changed meanwhile; start the sign-in again`, { account });
  }
  return null;
}

/** ms left for one provider request, leaving time to write the account before `deadline`. */
function budget(deps: FlowDeps, deadline: number): number {
  const left = deadline - Date.now() - 2000;
  if (left < 500) throw new FlowError('TokenUnavailable', 'The provider took too long; start the sign-in again');
  return Math.min(deps.timeout, left);
}

/** The code's grant written into the account; which it was and the mailbox that signed in. */
export async function grantAccount(deps: FlowDeps, state: FlowState, code: string, deadline: number): Promise<{ created: boolean; user: string }> {
  const app = deps.apps.get(state.app);
  if (!app) throw appNotFound(state.app);
  const { client, answer } = await redeem(deps, app, code, state.verifier, deadline);
  try {
    const who = await signedInUser({
      idToken: answer.idToken, accessToken: answer.accessToken, clientId: app.clientId, userinfoUrl: effectiveApp(app).userinfoUrl,
      claims: identityClaims(app), timeoutMs: budget(deps, deadline),
    });
    if (!who.ok) throw new FlowError('UserUnknown', `Who signed in is not known: ${who.reason}`);
    return await write(deps, app, state, answer.refreshToken, who.user, deadline);
  } catch (err) {
    // a grant nobody will use should not stay live at the provider (best effort, not awaited)
    const url = effectiveApp(app).revocationUrl;
    if (url) void revokeToken(client, url, answer.refreshToken, 'refresh_token', REVOKE_TIMEOUT);
    throw err;
  }
}

/** The grant into a new account, or into the existing one of the same mailbox. */
async function write(deps: FlowDeps, app: OAuth2AppRecord, state: FlowState, refreshToken: string, user: string, deadline: number): Promise<{ created: boolean; user: string }> {
  const existing = deps.store.get(state.account);
  const conflict = conflictOf(existing, state.account, app);
  if (conflict) throw new FlowError('AccountConflict', conflict);
  budget(deps, deadline);
  if (existing?.oauth2?.user !== undefined) {
    // the address of the account is not repeated: the redirect may leave this server
    if (existing.oauth2.user.toLowerCase() !== user.toLowerCase()) throw new FlowError('UserMismatch', `Account "${state.account}" is another mailbox than ${user}, who signed in; sign in with the account's own mailbox, or use another account id`);
    await deps.update(state.account, { oauth2: { refreshToken }, ...(state.name !== undefined ? { name: state.name } : {}) }, { app: state.app, user });
    return { created: false, user };
  }
  const input: AccountInput = { account: state.account, name: state.name ?? user, oauth2: { app: state.app, user, refreshToken } };
  if (/^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/.test(user)) input.email = user;
  await deps.create(state.account, input, { absent: true });
  return { created: true, user };
}

/** The code traded for the grant's tokens (a refresh token among them). */
async function redeem(deps: FlowDeps, app: OAuth2AppRecord, code: string, verifier: string, deadline: number): Promise<{ client: OAuthClient; answer: Granted }> {
  let secret: string;
  try {
    secret = deps.apps.openSecret(app);
  } catch {
    throw new FlowError('TokenRejected', `The client secret of OAuth2 app "${app.id}" cannot be decrypted (the server key changed); set it again`);
  }
  const client = oauthClient(app, secret);
  // Microsoft wants the scopes with the code too; the identity ones make it send an ID token
  if (client.scope) client.scope = authorizeScopes(app).join(' ');
  const answer = await codeGrant(client, code, app.redirectUrl, verifier, budget(deps, deadline));
  if (!answer.ok) {
    const kind = answer.kind === 'invalid_grant' ? 'InvalidGrant' : answer.kind === 'rejected' ? 'TokenRejected' : 'TokenUnavailable';
    throw new FlowError(kind, `The token endpoint ${answer.kind === 'unavailable' ? 'failed' : 'refused the code'}: ${answer.reason}`);
  }
  const { refreshToken } = answer;
  if (!refreshToken) throw new FlowError('NoRefreshToken', 'The provider granted no refresh token (ask for offline access: google needs consent again, microsoft the offline_access scope)');
  return { client, answer: { ...answer, refreshToken } };
}
