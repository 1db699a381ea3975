// Provider presets for OAuth2 apps: the endpoints, mail scopes and mail servers google and
// microsoft use, the effective settings of a stored app, and the rules a generic app must meet.
import type { FieldProblem } from '../errors.js';
import type { MailServer, OAuth2AppInput, Provider, TokenAuth } from '../schemas/oauth2.js';
import type { OAuthClient } from './token-endpoint.js';

/** What an app is made of besides its secret (the stored form keeps only what was given). */
export type AppFields = Omit<OAuth2AppInput, 'clientSecret'>;

export interface EffectiveApp {
  authorizationUrl: string;
  tokenUrl: string;
  scopes: string[];
  tokenAuth: TokenAuth;
  userinfoUrl?: string;
  revocationUrl?: string;
  imap?: MailServer;
  smtp?: MailServer;
}

interface Preset {
  authorizationUrl: string;
  tokenUrl: string;
  scopes: string[];
  userinfoUrl?: string;
  revocationUrl?: string;
  imap: MailServer;
  smtp: MailServer;
  /** sent with the authorization request besides the standard parameters */
  authorizeParams: Record<string, string>;
  /** OpenID Connect scopes that make the provider say who signed in */
  identityScopes: string[];
  /** the ID token claims that name the mailbox, best first */
  identityClaims: string[];
}

const GOOGLE: Preset = {
  authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  scopes: ['https://mail.google.com/'],
  userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
  revocationUrl: 'https://oauth2.googleapis.com/revoke',
  imap: { host: 'imap.gmail.com', port: 993, secure: true },
  smtp: { host: 'smtp.gmail.com', port: 465, secure: true },
  // Google hands out a refresh token only for offline access, and again only with consent
  authorizeParams: { access_type: 'offline', prompt: 'consent' },
  identityScopes: ['openid', 'email'],
  identityClaims: ['email'],
};

function microsoft(tenant: string | undefined): Preset {
  const base = `https://login.microsoftonline.com/${tenant ?? 'common'}/oauth2/v2.0`;
  // offline_access is what makes the token endpoint hand out a refresh token at all
  return {
    authorizationUrl: `${base}/authorize`, tokenUrl: `${base}/token`,
    scopes: ['offline_access', 'https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send'],
    // no userinfo: Graph's wants a token for Graph, and ours are for outlook.office.com
    imap: { host: 'outlook.office365.com', port: 993, secure: true },
    // Microsoft's SMTP AUTH endpoint speaks STARTTLS only
    smtp: { host: 'smtp.office365.com', port: 587, secure: false },
    authorizeParams: { prompt: 'select_account' },
    // preferred_username is the sign-in name within the user's own tenant; `email` is any
    // address a tenant admin typed in, so it comes last (the "nOAuth" lesson)
    identityScopes: ['openid', 'email', 'profile'],
    identityClaims: ['preferred_username', 'upn', 'email'],
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

/** The URLs, scopes, client authentication and mail servers an app uses: what was given, else the preset. */
export function effectiveApp(f: AppFields): EffectiveApp {
  const p = preset(f.provider, f.tenant);
  const e: EffectiveApp = {
    authorizationUrl: f.authorizationUrl ?? p?.authorizationUrl ?? '',
    tokenUrl: f.tokenUrl ?? p?.tokenUrl ?? '',
    scopes: f.scopes ?? p?.scopes ?? [],
    tokenAuth: f.tokenAuth ?? 'client_secret_post',
  };
  const userinfoUrl = f.userinfoUrl ?? p?.userinfoUrl;
  if (userinfoUrl) e.userinfoUrl = userinfoUrl;
  const revocationUrl = f.revocationUrl ?? p?.revocationUrl;
  if (revocationUrl) e.revocationUrl = revocationUrl;
  const imap = f.imap ?? p?.imap;
  if (imap) e.imap = imap;
  const smtp = f.smtp ?? p?.smtp;
  if (smtp) e.smtp = smtp;
  return e;
}

/** The scopes of an authorization request: the app's, plus what tells us who signed in
 *  (OpenID Connect's openid and email), each once. */
export function authorizeScopes(f: AppFields): string[] {
  return [...new Set([...effectiveApp(f).scopes, ...(preset(f.provider, f.tenant)?.identityScopes ?? ['openid', 'email'])])];
}

/** The ID token or userinfo claims that name the signed-in mailbox, best first. */
export function identityClaims(f: AppFields): string[] {
  return preset(f.provider, f.tenant)?.identityClaims ?? ['email', 'preferred_username', 'upn'];
}

/** Extra parameters of the provider's authorization request (none for generic apps). */
export function authorizeParams(f: AppFields): Record<string, string> {
  return preset(f.provider, f.tenant)?.authorizeParams ?? {};
}

/** What the token endpoint needs of an app; microsoft's v2 endpoint wants the scopes on a refresh too. */
export function oauthClient(f: AppFields & { clientId: string }, clientSecret: string): OAuthClient {
  const e = effectiveApp(f);
  const client: OAuthClient = { tokenUrl: e.tokenUrl, clientId: f.clientId, clientSecret, tokenAuth: e.tokenAuth };
  if (f.provider === 'microsoft' && e.scopes.length) client.scope = e.scopes.join(' ');
  return client;
}
