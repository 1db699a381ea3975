// The authorization-code flow of an OAuth2 app, shard side: the provider URL to send a browser
// to (state sealed, PKCE), and the callback: code → tokens → who signed in → the account
// registered or given its new grant in one step. Any failure changes nothing and says why.
import { ApiError, validationError } from '../errors.js';
import type { AccountInput, AccountPatch } from '../schemas/account.js';
import type { OAuth2FlowStart } from '../schemas/oauth2-flow.js';
import type { AccountStore } from '../store/accounts.js';
import type { SecretBox } from '../store/crypto.js';
import type { OAuth2AppRecord, OAuth2AppStore } from '../store/oauth2-apps.js';
import { challengeOf, newVerifier, openState, sealState, type FlowState } from '../oauth/auth-state.js';
import { signedInUser } from '../oauth/identity.js';
import { authorizeParams, authorizeScopes, effectiveApp, oauthClient } from '../oauth/presets.js';
import { codeGrant } from '../oauth/token-endpoint.js';
import { isAppLogin } from './account-settings.js';

export interface FlowDeps {
  apps: OAuth2AppStore;
  store: AccountStore;
  secrets: SecretBox;
  /** ms a started sign-in stays valid */
  stateTtl: number;
  /** ms one request to the provider may take */
  timeout: number;
  create(account: string, input: AccountInput): Promise<unknown>;
  update(account: string, patch: AccountPatch): Promise<unknown>;
}

/** What the callback ends in: the browser goes to `location`. */
export interface FlowOutcome { location: string }

/** A failure the browser is sent back with (`error`, `message`), nothing changed. */
class FlowError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const appNotFound = (app: string) => new ApiError('OAuth2AppNotFound', `OAuth2 app "${app}" does not exist`, { app });

/** Why `account` cannot take a grant of `app`: it exists with other credentials. */
function conflictOf(deps: FlowDeps, account: string, app: string): string | null {
  const existing = deps.store.get(account);
  if (!existing) return null;
  if (isAppLogin(existing.oauth2) && existing.oauth2.app === app) return null;
  return `Account "${account}" exists and does not log in with OAuth2 app "${app}"; delete it first or choose another account id`;
}

/** `redirect` (or the admin page) with the outcome in its query. */
function outcomeUrl(redirect: string | undefined, params: Record<string, string>): string {
  const base = redirect ?? '/';
  const url = new URL(base, 'http://relative.invalid');
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return base.startsWith('/') ? `${url.pathname}${url.search}${url.hash}` : url.toString();
}

/** The provider's authorization URL for a new sign-in of `account` with `app`. */
export function startFlow(deps: FlowDeps, input: OAuth2FlowStart & { app: string }): { url: string; expires: string } {
  const app = deps.apps.get(input.app);
  if (!app) throw appNotFound(input.app);
  const conflict = conflictOf(deps, input.account, input.app);
  if (conflict) throw new ApiError('Conflict', conflict, { account: input.account });
  const existing = deps.store.get(input.account);
  const e = effectiveApp(app);
  if (!existing && !e.imap) throw validationError([{ field: 'app', reason: `OAuth2 app "${input.app}" names no IMAP server for new accounts; set its imap (PUT /v1/oauth2/${input.app})` }]);
  const verifier = newVerifier();
  const state: FlowState = { app: input.app, account: input.account, verifier, expires: Date.now() + deps.stateTtl };
  if (input.name !== undefined) state.name = input.name;
  if (input.redirect !== undefined) state.redirect = input.redirect;
  const url = new URL(e.authorizationUrl);
  const params: Record<string, string> = {
    response_type: 'code', client_id: app.clientId, redirect_uri: app.redirectUrl, scope: authorizeScopes(app).join(' '),
    state: sealState(deps.secrets, state), code_challenge: challengeOf(verifier), code_challenge_method: 'S256', ...authorizeParams(app),
  };
  // a second sign-in of an account should be the same mailbox: the provider can preselect it
  const known = existing?.oauth2?.user ?? input.loginHint;
  if (known) params.login_hint = known;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { url: url.toString(), expires: new Date(state.expires).toISOString() };
}

export interface CallbackInput { state: string; code?: string; error?: string; errorDescription?: string }

/** Finish a sign-in: where the browser goes next (the outcome in the query). A state this
 *  server did not seal, or that was changed, is a 400: nothing in it can be trusted. */
export async function finishFlow(deps: FlowDeps, account: string, input: CallbackInput): Promise<FlowOutcome> {
  const opened = openState(deps.secrets, input.state);
  if (!opened.ok && opened.reason === 'invalid') {
    throw validationError([{ field: 'state', reason: 'was changed, or was not made by this server (or its key changed): start the sign-in again' }], 'The sign-in state is not valid');
  }
  const state = opened.state;
  if (state.account !== account) throw validationError([{ field: 'state', reason: 'names another account' }], 'The sign-in state is not valid');
  try {
    if (!opened.ok) throw new FlowError('StateExpired', `The sign-in took longer than ${Math.round(deps.stateTtl / 60_000) || 1} minute(s); start it again`);
    const result = await complete(deps, state, input);
    return { location: outcomeUrl(state.redirect, { account, result: result.created ? 'new' : 'existing', user: result.user }) };
  } catch (err) {
    if (!(err instanceof FlowError) && !(err instanceof ApiError)) throw err;
    return { location: outcomeUrl(state.redirect, { account, error: err.code, message: err.message }) };
  }
}

async function complete(deps: FlowDeps, state: FlowState, input: CallbackInput): Promise<{ created: boolean; user: string }> {
  if (input.error) throw new FlowError(input.error.slice(0, 64), `The provider refused: ${input.error.slice(0, 100)}${input.errorDescription ? ` (${input.errorDescription.slice(0, 300)})` : ''}`);
  if (!input.code) throw new FlowError('NoCode', 'The provider sent back no authorization code');
  const app = deps.apps.get(state.app);
  if (!app) throw appNotFound(state.app);
  const { refreshToken, user } = await redeem(deps, app, input.code, state.verifier);
  const conflict = conflictOf(deps, state.account, state.app);
  if (conflict) throw new FlowError('AccountConflict', conflict);
  const existing = deps.store.get(state.account);
  if (existing?.oauth2?.user !== undefined && existing.oauth2.user.toLowerCase() !== user.toLowerCase()) {
    throw new FlowError('UserMismatch', `Account "${state.account}" is ${existing.oauth2.user}, but ${user} signed in; sign in as ${existing.oauth2.user}, or use another account id`);
  }
  if (existing) {
    await deps.update(state.account, { oauth2: { refreshToken }, ...(state.name !== undefined ? { name: state.name } : {}) });
    return { created: false, user };
  }
  const input2: AccountInput = { account: state.account, name: state.name ?? user, oauth2: { app: state.app, user, refreshToken } };
  if (/^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/.test(user)) input2.email = user;
  await deps.create(state.account, input2);
  return { created: true, user };
}

/** The code's refresh token and the mailbox it is for. */
async function redeem(deps: FlowDeps, app: OAuth2AppRecord, code: string, verifier: string): Promise<{ refreshToken: string; user: string }> {
  let secret: string;
  try {
    secret = deps.apps.openSecret(app);
  } catch {
    throw new FlowError('TokenRejected', `The client secret of OAuth2 app "${app.id}" cannot be decrypted (the server key changed); set it again`);
  }
  const answer = await codeGrant(oauthClient(app, secret), code, app.redirectUrl, verifier, deps.timeout);
  if (!answer.ok) {
    const code = answer.kind === 'invalid_grant' ? 'InvalidGrant' : answer.kind === 'rejected' ? 'TokenRejected' : 'TokenUnavailable';
    throw new FlowError(code, `The token endpoint ${answer.kind === 'unavailable' ? 'failed' : 'refused the code'}: ${answer.reason}`);
  }
  if (!answer.refreshToken) throw new FlowError('NoRefreshToken', 'The provider granted no refresh token (ask for offline access: google needs consent again, microsoft the offline_access scope)');
  const who = await signedInUser({ idToken: answer.idToken, accessToken: answer.accessToken, clientId: app.clientId, userinfoUrl: effectiveApp(app).userinfoUrl, timeoutMs: deps.timeout });
  if (!who.ok) throw new FlowError('UserUnknown', `Who signed in is not known: ${who.reason}`);
  return { refreshToken: answer.refreshToken, user: who.user };
}
