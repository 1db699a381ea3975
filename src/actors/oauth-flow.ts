// The authorization-code flow of an OAuth2 app, shard side: a sign-in link on this server, the
// hop from it to the provider that marks the browser with a cookie (state sealed, PKCE), and
// the callback: that browser only, once → code → tokens → who signed in → the account written.
import { ApiError, validationError } from '../errors.js';
import type { FlowCookie, FlowHop, OAuth2FlowStart } from '../schemas/oauth2-flow.js';
import { challengeOf, cookieName, hasCookie, newNonce, newVerifier, openState, sealState, type FlowState } from '../oauth/auth-state.js';
import { authorizeParams, authorizeScopes, effectiveApp } from '../oauth/presets.js';
import { appNotFound, conflictOf, FlowError, grantAccount, type FlowDeps } from './oauth-grant.js';

export type { FlowDeps } from './oauth-grant.js';

/** The sealed state is about 1.4× its JSON: kept well inside what providers take in a URL. */
const MAX_STATE = 3000;

/** `redirect` (or the admin page) with the outcome in its query. */
function outcomeUrl(redirect: string | undefined, params: Record<string, string>): string {
  const base = redirect ?? '/';
  const url = new URL(base, 'http://relative.invalid');
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return base.startsWith('/') ? `${url.pathname}${url.search}${url.hash}` : url.toString();
}

/** A path given as redirect must stay on this server once resolved (`/.//evil.example` must not). */
function checkRedirect(redirect: string | undefined): void {
  if (redirect === undefined || !redirect.startsWith('/')) return;
  const url = new URL(redirect, 'http://relative.invalid');
  if (url.origin !== 'http://relative.invalid' || url.pathname.startsWith('//') || redirect.includes('\\')) {
    throw validationError([{ field: 'redirect', reason: 'must be an http(s) URL or a path on this server' }]);
  }
}

/** The cookie of a sign-in: next to the callback, so the browser sends it there only. */
function flowCookie(redirectUrl: string, nonce: string, maxAge: number): FlowCookie {
  return { name: cookieName(nonce), path: new URL('.', redirectUrl).pathname, secure: redirectUrl.startsWith('https:'), maxAge };
}

/** The sign-in link of a new sign-in of `account` with `app`: `start` next to the app's redirectUrl. */
export function startFlow(deps: FlowDeps, input: OAuth2FlowStart & { app: string }): { url: string; expires: string } {
  const app = deps.apps.get(input.app);
  if (!app) throw appNotFound(input.app);
  const existing = deps.store.get(input.account);
  const conflict = conflictOf(existing, input.account, app);
  if (conflict) throw new ApiError('Conflict', conflict, { account: input.account });
  if (!existing && !effectiveApp(app).imap) {
    throw validationError([{ field: 'app', reason: `OAuth2 app "${app.name}" names no IMAP server for new accounts; set its imap (PUT /v1/oauth2/${input.app})` }]);
  }
  checkRedirect(input.redirect);
  const state: FlowState = { app: input.app, account: input.account, verifier: newVerifier(), nonce: newNonce(), expires: Date.now() + deps.stateTtl };
  if (input.name !== undefined) state.name = input.name;
  if (input.redirect !== undefined) state.redirect = input.redirect;
  if (input.loginHint !== undefined) state.loginHint = input.loginHint;
  const sealed = sealState(deps.secrets, state);
  if (sealed.length > MAX_STATE) throw validationError([{ field: 'redirect', reason: 'with the name, too long to travel through the provider; use a shorter one' }]);
  const url = new URL('start', app.redirectUrl);
  url.searchParams.set('state', sealed);
  return { url: url.toString(), expires: new Date(state.expires).toISOString() };
}

/** The sign-in link was opened: mark this browser, then on to the provider. The first browser
 *  to open it owns the sign-in; a second one is sent back with LinkUsed. */
export async function openFlow(deps: FlowDeps, sealed: string): Promise<FlowHop> {
  const opened = openState(deps.secrets, sealed);
  if (!opened.ok && opened.reason === 'invalid') throw invalidState();
  const state = opened.state;
  const back = (error: string, message: string) => {
    deps.outcome({ account: state.account, app: state.app, step: 'open', error, message });
    return { location: outcomeUrl(state.redirect, { account: state.account, error, message }) };
  };
  if (!opened.ok) return back('StateExpired', expiredMessage(deps));
  if (!(await deps.spend(state.nonce, state.expires, 'open'))) return back('LinkUsed', 'This sign-in link was opened already (in this or another browser); start a new sign-in');
  const app = deps.apps.get(state.app);
  if (!app) return back('OAuth2AppNotFound', `OAuth2 app "${state.app}" does not exist`);
  const url = new URL(effectiveApp(app).authorizationUrl);
  const params: Record<string, string> = {
    response_type: 'code', client_id: app.clientId, redirect_uri: app.redirectUrl, scope: authorizeScopes(app).join(' '),
    state: sealed, code_challenge: challengeOf(state.verifier), code_challenge_method: 'S256', ...authorizeParams(app),
  };
  // a second sign-in of an account should be the same mailbox: the provider can preselect it
  const known = deps.store.get(state.account)?.oauth2?.user ?? state.loginHint;
  if (known) params.login_hint = known;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { location: url.toString(), cookie: flowCookie(app.redirectUrl, state.nonce, Math.ceil((state.expires - Date.now()) / 1000)) };
}

export interface CallbackInput { state: string; code?: string; error?: string; errorDescription?: string; cookie: string }

const invalidState = () => validationError([{ field: 'state', reason: 'was changed, or was not made by this server (or its key changed): start the sign-in again' }], 'The sign-in state is not valid');
const expiredMessage = (deps: FlowDeps) => `The sign-in took longer than ${Math.max(1, Math.round(deps.stateTtl / 60_000))} minute(s); start it again`;
/** RFC 6749 §4.1.2.1: error is ASCII without `"` and `\`; anything else is not the provider's code. */
const providerCode = (error: string) => (/^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(error) ? error : 'ProviderError');
const plainText = (text: string, max: number) => text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, max);

/** Finish a sign-in: where the browser goes next (the outcome in the query). A state this
 *  server did not seal, or that was changed, is a 400: nothing in it can be trusted. */
export async function finishFlow(deps: FlowDeps, account: string, input: CallbackInput, deadline: number): Promise<FlowHop> {
  const opened = openState(deps.secrets, input.state);
  if (!opened.ok && opened.reason === 'invalid') throw invalidState();
  const state = opened.state;
  if (state.account !== account) throw invalidState();
  const cookie = flowCookie(deps.apps.get(state.app)?.redirectUrl ?? 'http://relative.invalid/', state.nonce, 0);
  try {
    if (!opened.ok) throw new FlowError('StateExpired', expiredMessage(deps));
    // the browser that opened the sign-in link, and only once: a callback URL that leaked or
    // was replayed cannot register a mailbox of the one who replays it
    if (!hasCookie(input.cookie, state.nonce)) throw new FlowError('BrowserMismatch', 'This sign-in was started in another browser (or its cookie is gone): open the sign-in link in the browser that signs in');
    if (!(await deps.spend(state.nonce, state.expires, 'callback'))) throw new FlowError('StateUsed', 'This sign-in has been used already: start a new one');
    if (input.error) throw new FlowError(providerCode(input.error), `The provider refused: ${plainText(input.error, 64)}${input.errorDescription ? ` (${plainText(input.errorDescription, 300)})` : ''}`);
    if (!input.code) throw new FlowError('NoCode', 'The provider sent back no authorization code');
    const { created, user } = await grantAccount(deps, state, input.code, deadline);
    const result = created ? 'new' : 'existing';
    deps.outcome({ account, app: state.app, step: 'callback', result, user });
    return { location: outcomeUrl(state.redirect, { account, result, user }), cookie };
  } catch (err) {
    if (!(err instanceof FlowError) && !(err instanceof ApiError)) throw err;
    deps.outcome({ account, app: state.app, step: 'callback', error: err.code, message: err.message });
    return { location: outcomeUrl(state.redirect, { account, error: err.code, message: err.message }), cookie };
  }
}
