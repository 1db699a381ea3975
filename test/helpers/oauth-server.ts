// A real OAuth 2.0 / OpenID Connect authorization server on 127.0.0.1 (oidc-provider): a
// confidential client, the code flow with PKCE behind a login any user name passes, rotating
// refresh tokens, revocation and RFC 7662 introspection (as Dovecot and the SMTP sink ask it).
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload, type Configuration } from 'oidc-provider';
import { OAUTH2_CLIENT } from './dovecot.js';

export interface OAuthServerOptions {
  /** the confidential client our server is (default: a random id and secret) */
  client?: { id?: string; secret?: string; redirectUris?: string[]; authMethod?: 'client_secret_post' | 'client_secret_basic' };
  /** access-token lifetime in seconds (default 3600); also settable later */
  accessTokenTtl?: number;
  /** scopes accepted besides openid, offline_access and email (e.g. a mail scope) */
  scopes?: string[];
}

export interface Tokens { accessToken: string; refreshToken: string; idToken?: string; expiresIn: number; grantId: string }

export interface OAuthServer {
  issuer: string; authorizationUrl: string; tokenUrl: string; introspectionUrl: string; revocationUrl: string;
  client: { id: string; secret: string; redirectUris: string[] };
  /** the client Dovecot and the SMTP sink introspect as (client_secret_post) */
  introspector: { id: string; secret: string };
  accessTokenTtl: number;
  /** runs the code flow with PKCE for `user` (the token's `sub` and `email`) */
  grant(user: string, opts?: { scope?: string }): Promise<Tokens>;
  /** follows an authorization URL through the login as `user`; resolves the redirect back (`?code=…&state=…`) */
  authorize(url: string, user: string): Promise<string>;
  /** ends a grant (by id) or every grant of a user: its tokens go inactive, its refresh token `invalid_grant` */
  revoke(userOrGrant: string): number;
  /** the live grants of a user (a revoked one is gone) */
  grantsOf(user: string): number;
  /** POSTs to the token endpoint with the client's credentials; the JSON answer and status */
  token(params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  /** introspects as the introspector does */
  introspect(token: string): Promise<Record<string, unknown>>;
  /** token endpoint answers by grant_type: `refresh_token` successes, `refresh_token:error` failures */
  tokenRequests: Record<string, number>;
  /** every access and refresh token issued so far (for scans of what must never hold them) */
  issued: string[];
  userinfoUrl: string;
  /** stop listening (the provider is "down"), keep the port and every grant */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** An in-memory adapter per server (oidc-provider's own keeps one store per process); an opaque
 *  token's value is its id, so `issued` collects every access and refresh token handed out. */
function memoryAdapter(store: Map<string, { payload: AdapterPayload; expiresAt: number }>, issued: string[]) {
  return class implements Adapter {
    constructor(private readonly model: string) {}
    private key(id: string): string { return `${this.model}:${id}`; }
    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if ((this.model === 'AccessToken' || this.model === 'RefreshToken') && !store.has(this.key(id))) issued.push(id);
      store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    }
    async find(id: string): Promise<AdapterPayload | undefined> {
      const hit = store.get(this.key(id));
      if (!hit || hit.expiresAt <= Date.now()) return undefined;
      return hit.payload;
    }
    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      for (const [k, v] of store) if (k.startsWith(`${this.model}:`) && v.payload.uid === uid) return v.payload;
      return undefined;
    }
    async findByUserCode(): Promise<AdapterPayload | undefined> { return undefined; }
    async consume(id: string): Promise<void> {
      const hit = store.get(this.key(id));
      if (hit) hit.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string): Promise<void> { store.delete(this.key(id)); }
    async revokeByGrantId(grantId: string): Promise<void> { revokeGrant(store, grantId); }
  };
}

function revokeGrant(store: Map<string, { payload: AdapterPayload }>, grantId: string): void {
  for (const [k, v] of store) if (v.payload.grantId === grantId || k === `Grant:${grantId}`) store.delete(k);
}

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let body = '';
  req.on('data', (d: Buffer) => { body += d.toString(); });
  req.on('end', () => resolve(body));
});

/** A cookie jar that keeps one cookie per name (a second `_interaction` replaces the first). */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
  }
  header(): string { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

function config(opts: OAuthServerOptions, client: OAuthServer['client'], authMethod: string, ttl: () => number,
  store: Map<string, { payload: AdapterPayload; expiresAt: number }>, issued: string[]): Configuration {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return {
    adapter: memoryAdapter(store, issued),
    clients: [
      { client_id: client.id, client_secret: client.secret, redirect_uris: client.redirectUris, grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'], token_endpoint_auth_method: authMethod as 'client_secret_post' },
      // a resource server: it only introspects
      { client_id: OAUTH2_CLIENT.id, client_secret: OAUTH2_CLIENT.secret, redirect_uris: [], grant_types: [], response_types: [],
        token_endpoint_auth_method: 'client_secret_post' },
    ],
    jwks: { keys: [{ ...key, kid: 'e2e', alg: 'RS256', use: 'sig' } as never] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, email: sub, email_verified: true }) }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'offline_access', 'email', ...(opts.scopes ?? [])],
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true, allowedPolicy: async () => true },
    },
    pkce: { required: () => true },
    // a refresh token for every code grant, not only those asking offline_access with prompt=consent
    issueRefreshToken: async (_ctx, c) => c.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: { AccessToken: () => ttl(), IdToken: 3600, RefreshToken: 86_400, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 86_400 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
}

export async function startOAuthServer(opts: OAuthServerOptions = {}): Promise<OAuthServer> {
  const client = {
    id: opts.client?.id ?? `client-${randomBytes(4).toString('hex')}`,
    secret: opts.client?.secret ?? `secret-${randomBytes(12).toString('hex')}`,
    redirectUris: opts.client?.redirectUris ?? ['http://127.0.0.1/oauth/callback'],
  };
  const authMethod = opts.client?.authMethod ?? 'client_secret_post';
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const tokenRequests: Record<string, number> = {};
  const issued: string[] = [];
  let ttl = opts.accessTokenTtl ?? 3600;
  // the port is known only after listening, and the issuer must be known before: listen first
  const http = createServer();
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, config(opts, client, authMethod, () => ttl, store, issued));
  provider.on('server_error', (_ctx, err) => console.error('oauth-server error:', err));
  const count = (key: string) => { tokenRequests[key] = (tokenRequests[key] ?? 0) + 1; };
  provider.on('grant.success', (ctx) => count(String(ctx.oidc.params?.['grant_type'])));
  provider.on('grant.error', (ctx) => count(`${String(ctx.oidc?.params?.['grant_type'])}:error`));
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (req.method !== 'POST') {
      // a page a browser can fill in too (an icon of its own: a browser's /favicon.ico would be a 404)
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Sign in</title><link rel="icon" href="data:,"><form method="post" action="/interaction/${details.uid}">`
        + `<label>User <input name="login" autofocus></label><button type="submit">Sign in</button></form>`);
      return;
    }
    const login = new URLSearchParams(await readBody(req)).get('login') ?? '';
    if (!login) { res.writeHead(400).end('login required'); return; }
    const grant = new provider.Grant({ accountId: login, clientId: String(details.params['client_id']) });
    grant.addOIDCScope(String(details.params['scope'] ?? 'openid'));
    grant.addOIDCClaims(['sub', 'email', 'email_verified']);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/interaction/')) {
      interaction(req, res).catch((err: Error) => { if (!res.headersSent) res.writeHead(400).end(err.message); });
      return;
    }
    void callback(req, res);
  });

  const authorizationUrl = `${issuer}/auth`;
  const tokenUrl = `${issuer}/token`;
  const introspectionUrl = `${issuer}/token/introspection`;

  async function authorize(url: string, user: string): Promise<string> {
    const jar = new Jar();
    const step = async (u: string, init: RequestInit = {}) => {
      const res = await fetch(new URL(u, issuer), { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
      jar.take(res);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) throw new Error(`oauth-server: ${u} answered ${res.status} ${await res.text()}`);
      return new URL(location, u).toString();
    };
    const toLogin = await step(url);
    if (!toLogin.startsWith(`${issuer}/interaction/`)) return toLogin; // an error redirect straight back
    const resume = await step(toLogin, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ login: user }) });
    return step(resume);
  }

  async function token(params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
    const creds = authMethod === 'client_secret_post' ? { client_id: client.id, client_secret: client.secret } : {};
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (authMethod === 'client_secret_basic') headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
    const res = await fetch(tokenUrl, { method: 'POST', headers, body: form({ ...params, ...creds }) });
    return { status: res.status, body: await res.json() as Record<string, unknown> };
  }

  async function grant(user: string, o: { scope?: string } = {}): Promise<Tokens> {
    const verifier = randomBytes(32).toString('base64url');
    const redirectUri = client.redirectUris[0] ?? '';
    const url = `${authorizationUrl}?${form({
      client_id: client.id, response_type: 'code', redirect_uri: redirectUri, scope: o.scope ?? 'openid email offline_access',
      state: randomBytes(8).toString('hex'), code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    })}`;
    const back = new URL(await authorize(url, user));
    const code = back.searchParams.get('code');
    if (!code) throw new Error(`oauth-server: no code in ${back.search}`);
    const res = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
    if (res.status !== 200) throw new Error(`oauth-server: token endpoint ${res.status} ${JSON.stringify(res.body)}`);
    const accessToken = String(res.body['access_token']);
    const grantId = String((await provider.AccessToken.find(accessToken))?.grantId);
    return {
      accessToken, refreshToken: String(res.body['refresh_token']), expiresIn: Number(res.body['expires_in']), grantId,
      ...(typeof res.body['id_token'] === 'string' ? { idToken: res.body['id_token'] } : {}),
    };
  }

  function revoke(userOrGrant: string): number {
    const ids = [...store].filter(([k, v]) => k.startsWith('Grant:') && (v.payload.accountId === userOrGrant || k === `Grant:${userOrGrant}`)).map(([k]) => k.slice(6));
    for (const id of ids) revokeGrant(store, id);
    return ids.length;
  }

  const grantsOf = (user: string) => [...store].filter(([k, v]) => k.startsWith('Grant:') && v.payload.accountId === user).length;

  async function introspect(t: string): Promise<Record<string, unknown>> {
    const res = await fetch(introspectionUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ token: t, client_id: OAUTH2_CLIENT.id, client_secret: OAUTH2_CLIENT.secret }) });
    return await res.json() as Record<string, unknown>;
  }

  const stop = () => new Promise<void>((r) => { http.closeAllConnections(); http.close(() => r()); });
  return {
    issuer, authorizationUrl, tokenUrl, introspectionUrl, revocationUrl: `${issuer}/token/revocation`,
    client, introspector: { ...OAUTH2_CLIENT }, tokenRequests, issued, userinfoUrl: `${issuer}/me`,
    get accessTokenTtl() { return ttl; },
    set accessTokenTtl(s: number) { ttl = s; },
    grant, authorize, revoke, grantsOf, token, introspect, stop,
    start: () => new Promise<void>((r) => http.listen(port, '127.0.0.1', r)),
    close: stop,
  };
}
