// OAuth2 apps over HTTP: provider presets fill URLs and scopes, bad input names its field and
// stores nothing, updates follow the preset, the client secret never comes back (nor sits in
// the data dir or the log in plaintext), apps survive a restart, and delete removes them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api } from './helpers/api.js';
import { PlantedSecrets } from './helpers/secret-scan.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';

const planted = new PlantedSecrets();
const SECRET = planted.make('oauth-client');
const SECRET2 = planted.make('oauth-client-2');
let server: RunningServer;
const call = (method: string, path: string, body?: unknown) => api(server.url, method, path, body);
const REDIRECT = 'https://api.example.com/oauth/callback';
const MS_SCOPES = ['offline_access', 'https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send'];

before(async () => { server = await startServer({ shards: 2 }); });
after(async () => {
  await server?.stop();
  if (server) await removeDir(server.dataDir);
});

const ids: Record<string, string> = {};

describe('POST /v1/oauth2', () => {
  test('google: the preset fills the URLs and the mail scope; the secret is only "set"', async () => {
    const res = await call('POST', '/v1/oauth2', { name: 'Gmail', provider: 'google', clientId: 'cid.apps', clientSecret: SECRET, redirectUrl: REDIRECT });
    assert.equal(res.status, 200);
    assert.match(res.body.id, /^[A-Za-z0-9_-]+$/);
    ids.google = res.body.id;
    assert.deepEqual({ ...res.body, id: undefined, created: undefined, updated: undefined }, {
      id: undefined, created: undefined, updated: undefined, name: 'Gmail', provider: 'google', clientId: 'cid.apps', clientSecretSet: true,
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUrl: 'https://oauth2.googleapis.com/token',
      scopes: ['https://mail.google.com/'], signInScopes: ['https://mail.google.com/', 'openid', 'email'], redirectUrl: REDIRECT, tokenAuth: 'client_secret_post',
      userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo', revocationUrl: 'https://oauth2.googleapis.com/revoke',
      imap: { host: 'imap.gmail.com', port: 993, secure: true }, smtp: { host: 'smtp.gmail.com', port: 465, secure: true },
    });
  });

  test('microsoft: the tenant goes into both URLs (default common)', async () => {
    const common = await call('POST', '/v1/oauth2', { name: 'M365', provider: 'microsoft', clientId: 'ms', clientSecret: SECRET, redirectUrl: REDIRECT });
    assert.equal(common.body.authorizationUrl, 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    assert.equal(common.body.tokenUrl, 'https://login.microsoftonline.com/common/oauth2/v2.0/token');
    assert.deepEqual(common.body.scopes, MS_SCOPES);
    const tenant = await call('POST', '/v1/oauth2', { name: 'Contoso', provider: 'microsoft', tenant: 'contoso.onmicrosoft.com', clientId: 'ms', clientSecret: SECRET, redirectUrl: REDIRECT });
    assert.equal(tenant.body.tokenUrl, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
    assert.equal(tenant.body.tenant, 'contoso.onmicrosoft.com');
    ids.microsoft = tenant.body.id;
  });

  test('generic: both URLs are required; given ones and scopes are kept', async () => {
    const res = await call('POST', '/v1/oauth2', {
      name: 'Own', provider: 'generic', clientId: 'own', clientSecret: SECRET, redirectUrl: REDIRECT, tokenAuth: 'client_secret_basic',
      authorizationUrl: 'http://127.0.0.1:9/auth', tokenUrl: 'http://127.0.0.1:9/token', scopes: ['openid', 'email'],
    });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.authorizationUrl, res.body.tokenUrl, res.body.scopes, res.body.tokenAuth], ['http://127.0.0.1:9/auth', 'http://127.0.0.1:9/token', ['openid', 'email'], 'client_secret_basic']);
    ids.generic = res.body.id;
  });

  test('bad input: 400 naming the field, nothing stored', async () => {
    const before = (await call('GET', '/v1/oauth2')).body.apps.length;
    const base = { name: 'x', clientId: 'c', clientSecret: SECRET, redirectUrl: REDIRECT };
    const cases: [unknown, string][] = [
      [{ ...base, provider: 'generic', tokenUrl: 'http://127.0.0.1:9/t' }, 'authorizationUrl'],
      [{ ...base, provider: 'generic', authorizationUrl: 'http://127.0.0.1:9/a' }, 'tokenUrl'],
      [{ ...base, provider: 'google', tenant: 'contoso' }, 'tenant'],
      [{ ...base, provider: 'yahoo' }, 'provider'],
      [{ ...base, provider: 'google', redirectUrl: 'not a url' }, 'redirectUrl'],
      // the sign-in link is `start` next to the callback: another path would lead nowhere
      [{ ...base, provider: 'google', redirectUrl: 'https://api.example.com/auth/google/callback' }, 'redirectUrl'],
      [{ ...base, provider: 'google', redirectUrl: 'https://api.example.com/oauth/callback/' }, 'redirectUrl'],
      [{ ...base, provider: 'google', clientSecret: '' }, 'clientSecret'],
      [{ ...base, provider: 'google', scopes: ['two words'] }, 'scopes'],
      [{ ...base, provider: 'google', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/v1/oauth2', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'ValidationError');
      assert.ok(JSON.stringify(res.body.details).includes(field), `${field}: ${JSON.stringify(res.body)}`);
      assert.ok(!JSON.stringify(res.body).includes(SECRET), 'no secret in an error');
    }
    assert.equal((await call('GET', '/v1/oauth2')).body.apps.length, before);
  });
});

describe('GET, PUT, DELETE /v1/oauth2/{app}', () => {
  test('list and get answer views without the secret', async () => {
    const list = await call('GET', '/v1/oauth2');
    assert.equal(list.status, 200);
    assert.equal(list.body.apps.length, 4);
    const one = await call('GET', `/v1/oauth2/${ids.google}`);
    assert.equal(one.body.name, 'Gmail');
    assert.equal(one.body.clientSecretSet, true);
    for (const body of [list.body, one.body]) assert.ok(!JSON.stringify(body).includes(SECRET) && !('clientSecret' in one.body));
    assert.equal((await call('GET', '/v1/oauth2/nope')).body.code, 'OAuth2AppNotFound');
    assert.equal((await call('GET', '/v1/oauth2/nope')).status, 404);
  });

  test('PUT changes some fields; the URLs follow the tenant; null goes back to the preset', async () => {
    const moved = await call('PUT', `/v1/oauth2/${ids.microsoft}`, { tenant: 'fabrikam', name: 'Fabrikam', tokenUrl: 'https://login.example.com/token' });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.name, 'Fabrikam');
    assert.equal(moved.body.authorizationUrl, 'https://login.microsoftonline.com/fabrikam/oauth2/v2.0/authorize');
    assert.equal(moved.body.tokenUrl, 'https://login.example.com/token');
    const back = await call('PUT', `/v1/oauth2/${ids.microsoft}`, { tenant: null, tokenUrl: null, clientSecret: SECRET2 });
    assert.equal(back.body.tokenUrl, 'https://login.microsoftonline.com/common/oauth2/v2.0/token');
    assert.equal(back.body.tenant, undefined);
    assert.equal(back.body.name, 'Fabrikam');
    assert.ok(back.body.updated >= back.body.created);
  });

  test('PUT that breaks the rules is a 400 and changes nothing', async () => {
    const res = await call('PUT', `/v1/oauth2/${ids.generic}`, { tokenUrl: null });
    assert.equal(res.status, 400);
    assert.ok(JSON.stringify(res.body.details).includes('tokenUrl'));
    assert.equal((await call('GET', `/v1/oauth2/${ids.generic}`)).body.tokenUrl, 'http://127.0.0.1:9/token');
    assert.equal((await call('PUT', `/v1/oauth2/${ids.generic}`, { provider: 'google', tenant: 'x' })).status, 400);
    assert.equal((await call('PUT', '/v1/oauth2/nope', { name: 'x' })).status, 404);
  });

  test('no secret in plaintext in the data dir or the log; apps survive a restart', async () => {
    for (const name of readdirSync(server.dataDir, { recursive: true }) as string[]) {
      const path = join(server.dataDir, name);
      try {
        assert.deepEqual(planted.scan(name, readFileSync(path)), []);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
      }
    }
    assert.deepEqual(planted.scan('log', server.output()), []);
    const dataDir = server.dataDir;
    await server.stop();
    server = await startServer({ dataDir, shards: 3 });
    const one = await call('GET', `/v1/oauth2/${ids.microsoft}`);
    assert.equal(one.body.name, 'Fabrikam');
    assert.equal((await call('GET', '/v1/oauth2')).body.apps.length, 4);
  });

  test('DELETE removes the app: 404 from then on', async () => {
    const res = await call('DELETE', `/v1/oauth2/${ids.google}`);
    assert.deepEqual(res.body, { id: ids.google, deleted: true });
    assert.equal((await call('GET', `/v1/oauth2/${ids.google}`)).status, 404);
    assert.equal((await call('DELETE', `/v1/oauth2/${ids.google}`)).body.code, 'OAuth2AppNotFound');
    assert.equal((await call('GET', '/v1/oauth2')).body.apps.length, 3);
  });
});
