// The credentials of one login: the stored (sealed) password or access token, or, with
// useAuthServer, what the configured auth server answers right then. Nothing of it is kept.
import { OAuthTokenError, type TokenFailure } from '../oauth/token-manager.js';
import type { Credentials, Oauth2Settings, ServerSettings } from '../schemas/account.js';
import type { SecretBox } from '../store/crypto.js';
import { askAuthServer } from './auth-server.js';

/** InvalidGrant / TokenRejected / TokenUnavailable: the OAuth2 app's token endpoint (token-manager.ts). */
export type CredentialsFailure = 'KeyMismatch' | 'AuthServerError' | TokenFailure;

/** Why no login can be tried; the message never holds a secret or the auth server's answer. */
export class CredentialsError extends Error {
  readonly code: CredentialsFailure;

  constructor(code: CredentialsFailure, message: string) {
    super(message);
    this.code = code;
  }
}

export interface CredentialSource {
  secrets: SecretBox;
  /** the authServer URL of the settings now, or null */
  authServer(): string | null;
  /** how long the auth server may take, ms */
  authServerTimeout: number;
  /** an access token of an OAuth2 app login (the shard's TokenManager); throws OAuthTokenError */
  oauthToken?(account: string): Promise<string>;
  /** the server refused an app login's access token: the next login fetches a new one */
  forgetToken?(account: string): void;
}

/** `{ user, pass }` or `{ user, accessToken }` from an auth server's parsed JSON answer, or the reason it is not. */
export function parseAuthAnswer(body: unknown, fallbackUser?: string): Credentials | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the answer is not a JSON object';
  const { user, pass, accessToken } = body as Record<string, unknown>;
  const name = user ?? fallbackUser;
  if (typeof name !== 'string' || !name) return 'the answer has no user';
  const ok = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  if (ok(pass) && accessToken === undefined) return { user: name, pass };
  if (ok(accessToken) && pass === undefined) return { user: name, accessToken };
  return 'the answer needs a non-empty pass or accessToken (one of them)';
}

/** The credentials for one login to `settings` of `account`. */
export async function credentialsFor(src: CredentialSource, account: string, proto: 'imap' | 'smtp', settings: ServerSettings, oauth2?: Oauth2Settings): Promise<Credentials> {
  const user = settings.auth?.user;
  const own = settings.auth?.pass !== undefined || settings.auth?.accessToken !== undefined;
  if (!settings.useAuthServer && !own && oauth2?.app !== undefined && oauth2.user !== undefined) return appToken(src, account, user ?? oauth2.user);
  if (settings.useAuthServer) {
    const url = src.authServer();
    if (!url) throw new CredentialsError('AuthServerError', `${proto}.useAuthServer is set but no authServer URL is configured (settings)`);
    const answer = await askAuthServer(url, { account, proto }, src.authServerTimeout);
    if (!answer.ok) throw new CredentialsError('AuthServerError', `Auth server: ${answer.reason}`);
    const creds = parseAuthAnswer(answer.body, user);
    if (typeof creds === 'string') throw new CredentialsError('AuthServerError', `Auth server: ${creds}`);
    return creds;
  }
  const open = (sealed: string) => {
    try {
      return src.secrets.open(sealed);
    } catch {
      throw new CredentialsError('KeyMismatch', `The stored ${proto.toUpperCase()} password cannot be decrypted (the server key changed); set it again with PUT /v1/account/:account`);
    }
  };
  const auth = settings.auth;
  if (auth?.accessToken !== undefined) return { user: auth.user, accessToken: open(auth.accessToken) };
  if (auth?.pass !== undefined) return { user: auth.user, pass: open(auth.pass) };
  // the schema rules make this unreachable for stored records; a record from an older build may lack both
  throw new CredentialsError('KeyMismatch', `No ${proto.toUpperCase()} password is stored; set it with PUT /v1/account/:account`);
}

/** `{ user, accessToken }` from the app's token endpoint; its failures keep the provider's words. */
async function appToken(src: CredentialSource, account: string, user: string): Promise<Credentials> {
  if (!src.oauthToken) throw new CredentialsError('TokenUnavailable', 'No OAuth2 token manager on this shard');
  try {
    return { user, accessToken: await src.oauthToken(account) };
  } catch (err) {
    if (err instanceof OAuthTokenError) throw new CredentialsError(err.code, err.message);
    throw err;
  }
}
