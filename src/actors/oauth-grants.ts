// The grants of a shard's OAuth2 app logins for its TokenManager: the app's client and the
// account's sealed refresh token, and a rotated refresh token written into the account record.
import type { NewEvent } from '../events/types.js';
import { OAuthTokenError, type GrantStore } from '../oauth/token-manager.js';
import { oauthClient } from '../oauth/presets.js';
import type { AccountRecord, AccountStore } from '../store/accounts.js';
import type { SecretBox } from '../store/crypto.js';
import type { OAuth2AppStore } from '../store/oauth2-apps.js';

export interface GrantDeps {
  store: AccountStore;
  apps: OAuth2AppStore;
  secrets: SecretBox;
  /** one write transaction (the shard's commit) */
  commit(fn: () => NewEvent[]): Promise<void>;
  /** the record now stored, so the actor's copy never puts back a rotated-out token */
  saved(record: AccountRecord): void;
}

// nothing a retry fixes: TokenRejected waits for new settings, like a refused grant
const broken = (message: string) => new OAuthTokenError('TokenRejected', message);

function openOr(box: SecretBox, sealed: string, what: string): string {
  try {
    return box.open(sealed);
  } catch {
    throw broken(`The stored ${what} cannot be decrypted (the server key changed); set it again`);
  }
}

export function grantStore(deps: GrantDeps): GrantStore {
  return {
    load: async (account) => {
      const oauth2 = deps.store.get(account)?.oauth2;
      if (oauth2?.app === undefined || oauth2.refreshToken === undefined) throw broken(`Account "${account}" is not an OAuth2 app login`);
      const app = deps.apps.get(oauth2.app);
      if (!app) throw broken(`OAuth2 app "${oauth2.app}" does not exist`);
      const client = oauthClient(app, openOr(deps.secrets, app.clientSecret, 'client secret of the OAuth2 app'));
      return { client, refreshToken: openOr(deps.secrets, oauth2.refreshToken, 'refresh token') };
    },
    saveRefreshToken: async (account, refreshToken) => {
      let saved: AccountRecord | undefined;
      await deps.commit(() => {
        const record = deps.store.get(account);
        if (!record?.oauth2) return [];
        saved = { ...record, oauth2: { ...record.oauth2, refreshToken: deps.secrets.seal(refreshToken) } };
        deps.store.putSync(saved);
        return [];
      });
      if (saved) deps.saved(saved);
    },
  };
}
