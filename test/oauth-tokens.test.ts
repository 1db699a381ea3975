// The OAuth2 token manager against a real token endpoint on 127.0.0.1 (node:http, written here):
// single flight, rotated refresh tokens stored before use, refresh before expiry, invalid_grant
// remembered, 5xx retried with backoff, client_secret_post and client_secret_basic.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { OAuthTokenError, TokenManager, type GrantStore } from '../src/oauth/token-manager.js';
import type { OAuthClient } from '../src/oauth/token-endpoint.js';

/** A token endpoint: issues access tokens for live refresh tokens, rotating them when asked. */
class Endpoint {
  requests = 0;
  live = new Set<string>();
  rotate = false;
  expiresIn = 3600;
  /** answer 500 to this many requests first */
  failures = 0;
  delay = 30;
  server!: Server;
  url = '';
  #n = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => { raw += d; });
      req.on('end', () => setTimeout(() => this.#answer(req.headers.authorization, new URLSearchParams(raw), res), this.delay));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/token`;
  }

  #answer(authorization: string | undefined, form: URLSearchParams, res: import('node:http').ServerResponse): void {
    this.requests++;
    const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (this.failures > 0) {
      this.failures--;
      return json(500, { error: 'server_error' });
    }
    const [id, secret] = authorization?.startsWith('Basic ')
      ? Buffer.from(authorization.slice(6), 'base64').toString().split(':').map(decodeURIComponent)
      : [form.get('client_id'), form.get('client_secret')];
    if (id !== 'client-1' || secret !== 'client secret/1') return json(401, { error: 'invalid_client', error_description: 'client authentication failed' });
    const rt = form.get('refresh_token') ?? '';
    if (form.get('grant_type') !== 'refresh_token' || !this.live.has(rt)) return json(400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
    const body: Record<string, unknown> = { access_token: `at-${++this.#n}`, token_type: 'Bearer', expires_in: this.expiresIn };
    if (this.rotate) {
      this.live.delete(rt);
      body.refresh_token = `rt-rotated-${this.#n}`;
      this.live.add(body.refresh_token as string);
    }
    json(200, body);
  }
}

/** The grant as an account store would keep it (here in memory), with every save recorded. */
class Grants implements GrantStore {
  saves: string[] = [];
  constructor(public client: OAuthClient, public refreshToken: string) {}
  async load() { return { client: this.client, refreshToken: this.refreshToken }; }
  async saveRefreshToken(_account: string, token: string) {
    await new Promise((r) => setTimeout(r, 5));
    this.saves.push(token);
    this.refreshToken = token;
  }
}

const endpoint = new Endpoint();
const client = (auth: OAuthClient['tokenAuth'] = 'client_secret_post', secret = 'client secret/1'): OAuthClient => ({ tokenUrl: endpoint.url, clientId: 'client-1', clientSecret: secret, tokenAuth: auth });
const fast = { backoff: { base: 10, cap: 40 } };

before(() => endpoint.start());
after(() => endpoint.server.close());

function fresh(token: string): void {
  endpoint.requests = 0;
  endpoint.rotate = false;
  endpoint.failures = 0;
  endpoint.expiresIn = 3600;
  endpoint.live.add(token);
}

describe('TokenManager', () => {
  test('10 parallel callers share one refresh; later callers get the cached token', async () => {
    fresh('rt-a');
    const tokens = new TokenManager(new Grants(client(), 'rt-a'), fast);
    const got = await Promise.all(Array.from({ length: 10 }, () => tokens.accessToken('a')));
    assert.equal(endpoint.requests, 1);
    assert.equal(new Set(got.map((t) => t.accessToken)).size, 1);
    assert.ok(got[0]!.expires > Date.now() + 3000_000);
    assert.equal((await tokens.accessToken('a')).accessToken, got[0]!.accessToken);
    assert.equal(endpoint.requests, 1);
  });

  test('a rotated refresh token is stored before the access token is handed out, and used next', async () => {
    fresh('rt-b');
    endpoint.rotate = true;
    const grants = new Grants(client(), 'rt-b');
    let now = Date.now();
    const tokens = new TokenManager(grants, fast, () => now);
    const first = await Promise.all([tokens.accessToken('b'), tokens.accessToken('b')]);
    assert.equal(grants.saves.length, 1, 'stored once, before the callers got the token');
    assert.match(grants.refreshToken, /^rt-rotated-/);
    now += 3600_000;
    const second = await tokens.accessToken('b');
    assert.notEqual(second.accessToken, first[0]!.accessToken);
    assert.equal(endpoint.requests, 2, 'the old refresh token is dead at the endpoint: the second refresh used the stored one');
    assert.equal(grants.saves.length, 2);
  });

  test('refreshes shortly before expiry, not after and not long before', async () => {
    fresh('rt-c');
    endpoint.expiresIn = 10;
    let now = Date.now();
    const tokens = new TokenManager(new Grants(client(), 'rt-c'), fast, () => now);
    const t1 = await tokens.accessToken('c');
    now += 7_000;
    assert.equal((await tokens.accessToken('c')).accessToken, t1.accessToken);
    now += 1_500; // 8.5 s of 10: inside the last fifth
    const t2 = await tokens.accessToken('c');
    assert.notEqual(t2.accessToken, t1.accessToken);
    assert.equal(endpoint.requests, 2);
  });

  test('invalid_grant: a typed error with the provider\'s words, remembered until the grant changes', async () => {
    fresh('rt-live');
    const grants = new Grants(client(), 'rt-revoked');
    const tokens = new TokenManager(grants, fast);
    const errors = await Promise.all(Array.from({ length: 5 }, () => tokens.accessToken('d').then(() => null, (e: unknown) => e)));
    for (const err of errors) {
      assert.ok(err instanceof OAuthTokenError);
      assert.equal(err.code, 'InvalidGrant');
      assert.match(err.message, /invalid_grant: grant request is invalid/);
      assert.ok(!err.message.includes('rt-revoked'), 'never the token');
    }
    await assert.rejects(tokens.accessToken('d'), { code: 'InvalidGrant' });
    assert.equal(endpoint.requests, 1, 'one request, however often it is asked');
    grants.refreshToken = 'rt-live';
    assert.equal((await tokens.accessToken('d')).accessToken.startsWith('at-'), true);
    assert.equal(endpoint.requests, 2);
  });

  test('5xx is retried with backoff; a wrong client secret is refused once, without retries', async () => {
    fresh('rt-e');
    endpoint.failures = 2;
    const tokens = new TokenManager(new Grants(client(), 'rt-e'), fast);
    assert.match((await tokens.accessToken('e')).accessToken, /^at-/);
    assert.equal(endpoint.requests, 3);
    endpoint.requests = 0;
    endpoint.failures = 10;
    const down = new TokenManager(new Grants(client(), 'rt-e'), { ...fast, attempts: 3 });
    await assert.rejects(down.accessToken('e'), (e: OAuthTokenError) => e.code === 'TokenUnavailable' && /3 tries: server_error/.test(e.message));
    assert.equal(endpoint.requests, 3);
    endpoint.failures = 0;
    endpoint.requests = 0;
    const wrong = new TokenManager(new Grants(client('client_secret_post', 'nope'), 'rt-e'), fast);
    await assert.rejects(wrong.accessToken('e'), (e: OAuthTokenError) => e.code === 'TokenRejected' && /invalid_client/.test(e.message) && !e.message.includes('nope'));
    assert.equal(endpoint.requests, 1);
  });

  test('client_secret_basic authenticates with the encoded id and secret', async () => {
    fresh('rt-f');
    const tokens = new TokenManager(new Grants(client('client_secret_basic'), 'rt-f'), fast);
    assert.match((await tokens.accessToken('f')).accessToken, /^at-/);
  });

  test('an endpoint that cannot be reached is TokenUnavailable after the tries', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/token`;
    await new Promise((r) => closed.close(r));
    const tokens = new TokenManager(new Grants({ ...client(), tokenUrl: url }, 'rt-g'), { ...fast, attempts: 2 });
    await assert.rejects(tokens.accessToken('g'), (e: OAuthTokenError) => e.code === 'TokenUnavailable' && /cannot be reached/.test(e.message));
  });
});
