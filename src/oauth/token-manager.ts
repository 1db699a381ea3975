// Access tokens of server-managed OAuth2 accounts: cached until shortly before they expire,
// refreshed once per account however many callers wait (single flight), a rotated refresh token
// persisted before the new access token is handed out, a dead grant remembered (no retry storm).
import { backoffDelay, type BackoffPolicy } from '../lib/backoff.js';
import { refreshGrant, type OAuthClient } from './token-endpoint.js';

export type TokenFailure = 'InvalidGrant' | 'TokenRejected' | 'TokenUnavailable';

/** Why no access token: the provider's words (never a token); InvalidGrant needs a new grant. */
export class OAuthTokenError extends Error {
  readonly code: TokenFailure;

  constructor(code: TokenFailure, message: string) {
    super(message);
    this.name = 'OAuthTokenError';
    this.code = code;
  }
}

export interface AccessToken {
  accessToken: string;
  /** ms since epoch, as the provider said (expires_in) */
  expires: number;
}

/** Where the manager finds an account's grant and keeps a rotated refresh token. */
export interface GrantStore {
  /** the app's client and the account's current refresh token (plaintext) */
  load(account: string): Promise<{ client: OAuthClient; refreshToken: string }>;
  /** must be durable (sealed, committed) when it resolves: the old token may be dead already */
  saveRefreshToken(account: string, refreshToken: string): Promise<void>;
}

export interface TokenPolicy {
  /** tries per refresh when the endpoint is unreachable or answers 5xx */
  attempts: number;
  backoff: BackoffPolicy;
  /** ms one request may take */
  timeout: number;
  /** ms before expiry a token stops being handed out (at most a fifth of its lifetime) */
  margin: number;
}

export const DEFAULT_TOKEN_POLICY: TokenPolicy = { attempts: 4, backoff: { base: 500, cap: 8_000 }, timeout: 15_000, margin: 60_000 };
/** RFC 6749 §5.1 only recommends expires_in; without it, assume a short life. */
const UNSAID_LIFETIME = 600;

interface Cached extends AccessToken { refreshAt: number }

export class TokenManager {
  readonly #store: GrantStore;
  readonly #policy: TokenPolicy;
  readonly #now: () => number;
  readonly #cache = new Map<string, Cached>();
  readonly #flights = new Map<string, Promise<AccessToken>>();
  /** accounts whose refresh token got invalid_grant: the token and the error, until it changes */
  readonly #dead = new Map<string, { refreshToken: string; error: OAuthTokenError }>();

  constructor(store: GrantStore, policy: Partial<TokenPolicy> = {}, now: () => number = Date.now) {
    this.#store = store;
    this.#policy = { ...DEFAULT_TOKEN_POLICY, ...policy };
    this.#now = now;
  }

  /** A valid access token for `account`; concurrent callers share one refresh. */
  accessToken(account: string): Promise<AccessToken> {
    const cached = this.#cache.get(account);
    if (cached && this.#now() < cached.refreshAt) return Promise.resolve({ accessToken: cached.accessToken, expires: cached.expires });
    let flight = this.#flights.get(account);
    if (!flight) {
      flight = this.#refresh(account).finally(() => this.#flights.delete(account));
      this.#flights.set(account, flight);
    }
    return flight;
  }

  /** Drop what is known of `account` (its grant changed, the server refused the token, or it is gone). */
  forget(account: string): void {
    this.#cache.delete(account);
    this.#dead.delete(account);
  }

  async #refresh(account: string): Promise<AccessToken> {
    const { client, refreshToken } = await this.#store.load(account);
    const dead = this.#dead.get(account);
    if (dead && dead.refreshToken === refreshToken) throw dead.error;
    this.#dead.delete(account);
    for (let attempt = 0; ; attempt++) {
      const started = this.#now();
      const answer = await refreshGrant(client, refreshToken, this.#policy.timeout);
      if (answer.ok) {
        if (answer.refreshToken && answer.refreshToken !== refreshToken) await this.#store.saveRefreshToken(account, answer.refreshToken);
        return this.#keep(account, answer.accessToken, answer.expiresIn ?? UNSAID_LIFETIME, started);
      }
      if (answer.kind === 'invalid_grant') {
        const error = new OAuthTokenError('InvalidGrant', `The provider refused the refresh token (${answer.reason}); authorize the account again`);
        this.#dead.set(account, { refreshToken, error });
        throw error;
      }
      if (answer.kind === 'rejected') throw new OAuthTokenError('TokenRejected', `The token endpoint refused the request (${answer.reason})`);
      if (attempt + 1 >= this.#policy.attempts) throw new OAuthTokenError('TokenUnavailable', `No access token after ${attempt + 1} tries: ${answer.reason}`);
      await new Promise((r) => setTimeout(r, backoffDelay(this.#policy.backoff, attempt)));
    }
  }

  /** Cache from when the request started: the provider's clock ran from about then. */
  #keep(account: string, accessToken: string, expiresIn: number, started: number): AccessToken {
    const life = Math.max(0, expiresIn) * 1000;
    const expires = started + life;
    this.#cache.set(account, { accessToken, expires, refreshAt: expires - Math.min(this.#policy.margin, life / 5) });
    return { accessToken, expires };
  }
}
