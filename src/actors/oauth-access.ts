// GET /v1/account/:account/oauth-token, shard side: the current access token of an OAuth2 app
// login from the shard's TokenManager (refreshed when due), for callers of the provider's own APIs.
import { accountNotFound, ApiError } from '../errors.js';
import type { OAuthTokenView } from '../schemas/oauth2-flow.js';
import type { AccountStore } from '../store/accounts.js';
import type { OAuth2AppStore } from '../store/oauth2-apps.js';
import { OAuthTokenError, type AccessToken } from '../oauth/token-manager.js';
import { effectiveApp } from '../oauth/presets.js';
import { isAppLogin } from './account-settings.js';

export interface AccessDeps {
  store: AccountStore;
  apps: OAuth2AppStore;
  accessToken(account: string): Promise<AccessToken>;
}

export async function oauthTokenOf(deps: AccessDeps, account: string): Promise<OAuthTokenView> {
  const record = deps.store.get(account);
  if (!record) throw accountNotFound(account);
  if (!isAppLogin(record.oauth2)) {
    throw new ApiError('Conflict', `Account "${account}" does not log in with an OAuth2 app: the server holds no token it refreshes`, { account });
  }
  const app = deps.apps.get(record.oauth2.app);
  let token: AccessToken;
  try {
    token = await deps.accessToken(account);
  } catch (err) {
    // the provider's words (never a token); the account state says the same after its next login
    if (err instanceof OAuthTokenError) throw new ApiError('UpstreamRejected', err.message, { code: err.code });
    throw err;
  }
  return {
    account, user: record.oauth2.user, accessToken: token.accessToken, expires: new Date(token.expires).toISOString(),
    app: record.oauth2.app, provider: app?.provider ?? 'unknown', scopes: app ? effectiveApp(app).scopes : [],
  };
}
