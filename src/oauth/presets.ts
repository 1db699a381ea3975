// Provider presets for OAuth2 apps: the endpoints and mail scopes google and microsoft use, the
// effective settings of a stored app, and the rules a generic app must meet (both URLs).
import type { FieldProblem } from '../errors.js';
import type { OAuth2AppInput, Provider, TokenAuth } from '../schemas/oauth2.js';
import type { OAuthClient } from './token-endpoint.js';

/** What an app is made of besides its secret (the stored form keeps only what was given). */
export type AppFields = Omit<OAuth2AppInput, 'clientSecret'>;

export interface EffectiveApp {
  authorizationUrl: string;
  tokenUrl: string;
  scopes: string[];
  tokenAuth: TokenAuth;
}

interface Preset { authorizationUrl: string; tokenUrl: string; scopes: string[] }

const GOOGLE: Preset = {
  authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  scopes: ['https://mail.google.com/'],
};

function microsoft(tenant: string | undefined): Preset {
  const base = `https://login.microsoftonline.com/${tenant ?? 'common'}/oauth2/v2.0`;
  // offline_access is what makes the token endpoint hand out a refresh token at all
  return {
    authorizationUrl: `${base}/authorize`, tokenUrl: `${base}/token`,
    scopes: ['offline_access', 'https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send'],
  };
}

function preset(provider: Provider, tenant: string | undefined): Preset | null {
  if (provider === 'google') return GOOGLE;
  if (provider === 'microsoft') return microsoft(tenant);
  return null;
}

/** Why these fields do not make an app (empty = they do). */
export function appProblems(f: AppFields): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (f.provider === 'generic') {
    if (!f.authorizationUrl) problems.push({ field: 'authorizationUrl', reason: 'is required for provider "generic"' });
    if (!f.tokenUrl) problems.push({ field: 'tokenUrl', reason: 'is required for provider "generic"' });
  }
  if (f.tenant !== undefined && f.provider !== 'microsoft') problems.push({ field: 'tenant', reason: 'is only for provider "microsoft"' });
  return problems;
}

/** The URLs, scopes and client authentication an app uses: what was given, else the preset. */
export function effectiveApp(f: AppFields): EffectiveApp {
  const p = preset(f.provider, f.tenant);
  return {
    authorizationUrl: f.authorizationUrl ?? p?.authorizationUrl ?? '',
    tokenUrl: f.tokenUrl ?? p?.tokenUrl ?? '',
    scopes: f.scopes ?? p?.scopes ?? [],
    tokenAuth: f.tokenAuth ?? 'client_secret_post',
  };
}

/** What the token manager needs of an app; microsoft's v2 endpoint wants the scopes on a refresh too. */
export function oauthClient(f: AppFields & { clientId: string }, clientSecret: string): OAuthClient {
  const e = effectiveApp(f);
  const client: OAuthClient = { tokenUrl: e.tokenUrl, clientId: f.clientId, clientSecret, tokenAuth: e.tokenAuth };
  if (f.provider === 'microsoft' && e.scopes.length) client.scope = e.scopes.join(' ');
  return client;
}
