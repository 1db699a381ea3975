// The API token check, in the front thread before a body is read: Bearer header (or the
// access_token query for the stream and the docs page), scope and account of the route, failed
// attempts limited per client address, requests limited per token. No token at all = open.
import { forbidden, tooManyRequests, unauthorized, type ApiError } from '../errors.js';
import type { Scope } from '../schemas/tokens.js';
import type { TokenRecord } from '../store/tokens.js';
import { RateLimit } from './rate-limit.js';
import type { AnyRoute, RouteScope } from './route.js';
import type { TokenCache } from './token-cache.js';

export interface AuthOptions {
  /** failed attempts per client address per minute before 429 */
  failLimit: number;
  /** requests per second per token; 0 = no limit */
  tokenRate: number;
}

/** What the request carries: the Authorization header, the access_token query value, the address. */
export interface Credentials { authorization: string; accessToken?: string | undefined; address: string }

/** Who is calling; null when the API is open (no token exists). */
export type Principal = Pick<TokenRecord, 'id' | 'scopes' | 'account'> | null;

/** How a route names the account it touches, for tokens limited to one account. */
export type AccountBinding = 'param' | 'body' | 'query' | 'none' | 'global';

const tooMany = (seconds: number, what: string) => tooManyRequests(what, seconds);

function propsOf(schema: unknown): Record<string, unknown> {
  return ((schema as { properties?: Record<string, unknown> } | undefined)?.properties) ?? {};
}

/** param: `{account}` in the path; body/query: an `account` field; none: no account data at all
 *  (the API document); global: everything else (lists of all accounts, server settings). */
export function accountBinding(route: AnyRoute): AccountBinding {
  if (route.scope === 'any' || route.scope === 'public') return 'none';
  if (route.scope === 'admin' && !('account' in propsOf(route.params))) return 'global';
  if ('account' in propsOf(route.params)) return 'param';
  if ('account' in propsOf(route.body)) return 'body';
  if ('account' in propsOf(route.query)) return 'query';
  return 'global';
}

/** `admin` implies every scope. */
export function hasScope(scopes: readonly Scope[], want: RouteScope): boolean {
  return want === 'public' || want === 'any' || scopes.includes('admin') || scopes.includes(want);
}

function bearerOf(c: Credentials): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(c.authorization);
  if (m) return m[1];
  return c.accessToken || undefined;
}

export class Gate {
  readonly #cache: TokenCache;
  readonly #fails: RateLimit;
  readonly #rate: RateLimit | null;

  constructor(cache: TokenCache, opts: AuthOptions) {
    this.#cache = cache;
    this.#fails = new RateLimit(opts.failLimit, 60_000);
    this.#rate = opts.tokenRate > 0 ? new RateLimit(opts.tokenRate, 1000) : null;
  }

  /** The caller of a route with `scope`, or an ApiError (401, 403, 429) to answer with. */
  authorize(scope: RouteScope, c: Credentials): Principal {
    if (scope === 'public') return null;
    const presented = bearerOf(c);
    if (!presented && this.#cache.open) return null;
    const rec = presented ? this.#known(presented, c) : undefined;
    if (!rec) throw this.#failed(c.address, presented ? 'Invalid API token' : 'This server needs an API token: send "Authorization: Bearer <token>"');
    if (rec.expires !== undefined && rec.expires <= Date.now()) throw this.#failed(c.address, `API token ${rec.id} has expired`);
    if (!hasScope(rec.scopes, scope)) {
      throw forbidden(`API token ${rec.id} lacks the "${scope}" scope this route needs`, { token: rec.id, scope });
    }
    const wait = this.#rate?.hit(rec.id) ?? 0;
    if (wait) throw tooMany(wait, `API token ${rec.id} is over its request rate`);
    this.#cache.used(rec);
    const who: NonNullable<Principal> = { id: rec.id, scopes: rec.scopes };
    if (rec.account !== undefined) who.account = rec.account;
    return who;
  }

  /** A token limited to one account reaches that account only: checked on the path (before the
   *  body is read) for param and global routes, on the validated input for body and query ones,
   *  whose `account` filter is then forced to the token's account. */
  restrict(binding: AccountBinding, who: Principal, input: { params?: unknown; query?: unknown; body?: unknown }): void {
    const account = who?.account;
    if (account === undefined || binding === 'none') return;
    if (binding === 'query') {
      if (!input.query) return;
      const q = input.query as Record<string, unknown>;
      q.account = Array.isArray(q.account) || q.account === undefined ? [account] : account;
      return;
    }
    const part = binding === 'param' ? input.params : binding === 'body' ? input.body : undefined;
    if (binding !== 'global' && part === undefined) return;
    if (binding !== 'global' && (part as Record<string, unknown>).account === account) return;
    throw forbidden(binding === 'global'
      ? `API token ${who!.id} is limited to account "${account}"; this route reaches every account or the server's settings`
      : `API token ${who!.id} is limited to account "${account}"`, { token: who!.id, account });
  }

  /** Memory first; an unknown token is read from disk only while the address is within its limit. */
  #known(token: string, c: Credentials): TokenRecord | undefined {
    const rec = this.#cache.lookup(token);
    if (rec) return rec;
    // the address is read only now: a known token never costs its lookup
    const wait = this.#fails.blocked(c.address);
    if (wait) throw tooMany(wait, 'Too many failed authentication attempts from this address');
    return this.#cache.lookupOnDisk(token);
  }

  #failed(address: string, message: string): ApiError {
    const wait = this.#fails.hit(address);
    if (wait) return tooMany(wait, 'Too many failed authentication attempts from this address');
    return unauthorized(message);
  }
}

/** The credentials of a uWS request (read before the handler returns: uWS reuses `req`);
 *  the access_token query value only where the route takes it (stream, docs page). The address
 *  is read only when a check fails (during the same callback), not on every request. */
export function credentialsOf(res: RemoteAddress, req: { getHeader(n: string): string; getQuery(): string | undefined }, query: boolean): Credentials {
  const c = new RequestCredentials(res, req.getHeader('authorization'));
  if (query) c.accessToken = new URLSearchParams(req.getQuery() ?? '').get('access_token') ?? undefined;
  return c;
}

interface RemoteAddress { getRemoteAddressAsText(): ArrayBuffer }

// a class, not a literal with a getter: V8 allocated those literals straight into old space
// (measured: the largest share of the front's major-GC garbage under load)
class RequestCredentials implements Credentials {
  accessToken?: string | undefined;
  #address: string | undefined;
  constructor(readonly res: RemoteAddress, readonly authorization: string) {}
  get address(): string {
    return (this.#address ??= Buffer.from(this.res.getRemoteAddressAsText()).toString());
  }
}
