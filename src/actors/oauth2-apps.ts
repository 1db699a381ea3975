// The shard ops of OAuth2 apps (list, get, create, update, delete): checks the provider rules,
// keeps the secret sealed, and answers views that never hold it.
import { ApiError, validationError } from '../errors.js';
import type { ShardHandlers } from '../protocol/ops.js';
import type { OAuth2AppPatch, OAuth2AppView } from '../schemas/oauth2.js';
import type { AccountStore } from '../store/accounts.js';
import { newAppId, type OAuth2AppRecord, type OAuth2AppStore } from '../store/oauth2-apps.js';
import { appProblems, authorizeScopes, effectiveApp } from '../oauth/presets.js';

type AppOp = 'listOAuth2Apps' | 'getOAuth2App' | 'createOAuth2App' | 'updateOAuth2App' | 'deleteOAuth2App';

/** The answer form: effective URLs and scopes, `clientSecretSet` instead of the secret. */
export function appView(r: OAuth2AppRecord): OAuth2AppView {
  const { clientSecret: _, authorizationUrl: _a, tokenUrl: _t, scopes: _s, tokenAuth: _m, userinfoUrl: _u, revocationUrl: _r, imap: _i, smtp: _o, ...rest } = r;
  return { ...rest, ...effectiveApp(r), signInScopes: authorizeScopes(r), clientSecretSet: true };
}

const notFound = (app: string) => new ApiError('OAuth2AppNotFound', `OAuth2 app "${app}" does not exist`, { app });

/** `patch` over `r`: null removes an optional field (back to the preset). */
function merged(r: OAuth2AppRecord, patch: OAuth2AppPatch): OAuth2AppRecord {
  const out: Record<string, unknown> = { ...r };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (value !== undefined) out[key] = value;
  }
  return out as unknown as OAuth2AppRecord;
}

/** Accounts whose `oauth2.app` names `app` (an app in use cannot be deleted). */
function usersOf(accounts: AccountStore, app: string): string[] {
  const users: string[] = [];
  for (const r of accounts.all()) if ((r.oauth2 as { app?: string } | undefined)?.app === app) users.push(r.account);
  return users;
}

export function oauth2AppHandlers(apps: OAuth2AppStore, accounts: AccountStore): Pick<ShardHandlers, AppOp> {
  const check = (r: OAuth2AppRecord) => {
    const problems = appProblems(r);
    if (problems.length) throw validationError(problems);
  };
  return {
    listOAuth2Apps: async () => ({ apps: apps.all().map(appView) }),
    getOAuth2App: async ({ app }) => {
      const r = apps.get(app);
      if (!r) throw notFound(app);
      return appView(r);
    },
    createOAuth2App: async ({ input }) => {
      const now = new Date().toISOString();
      const record: OAuth2AppRecord = { ...input, id: newAppId(), created: now, updated: now };
      check(record);
      await apps.put(record);
      return appView(record);
    },
    updateOAuth2App: async ({ app, patch }) => {
      const r = apps.get(app);
      if (!r) throw notFound(app);
      const { clientSecret, ...rest } = patch;
      const next = { ...merged(r, rest), updated: new Date().toISOString() };
      check(next);
      await (clientSecret !== undefined ? apps.put({ ...next, clientSecret }) : apps.putSealed(next));
      return appView(next);
    },
    deleteOAuth2App: async ({ app }) => {
      const users = usersOf(accounts, app);
      if (users.length) throw new ApiError('Conflict', `OAuth2 app "${app}" is used by ${users.length} account(s); delete or move them first`, { app, accounts: users.slice(0, 10).join(',') });
      if (!(await apps.remove(app))) throw notFound(app);
      return { id: app, deleted: true };
    },
  };
}
