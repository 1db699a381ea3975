// The settings API as the original IMAP API has it (POST partial update, GET with key flags)
// beside ours (PUT): what each answers, strict input, secrets never shown, values kept across a
// restart, and logs.resetLoggedAccounts reconnecting exactly the logged accounts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, eventually, exampleAccount } from './helpers/api.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';

const GMAIL_SECRET = 'gmail-client-secret-value-7f3a';
let dovecot: Dovecot;
let server: RunningServer;
const call = (method: string, path: string, body?: unknown) => api(server.url, method, path, body);

before(async () => {
  dovecot = await startDovecot();
  server = await startServer({ shards: 2 });
});
after(async () => {
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

describe('POST and GET /v1/settings', () => {
  test('defaults: every key without flags, unset strings absent, eventTypes listed', async () => {
    const res = await call('GET', '/v1/settings');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      webhookEvents: ['*'], webhooksEnabled: true, secretSet: false, notifyHeaders: [], notifyText: false, notifyTextSize: 0,
      gmailClientSecretSet: false, logs: { all: false, accounts: [], maxLogLines: 10_000, resetLoggedAccounts: false },
      eventTypes: res.body.eventTypes,
    });
    assert.ok(res.body.eventTypes.includes('messageNew') && res.body.eventTypes.includes('mailboxReset'));
  });

  test('a partial POST answers the keys it set and changes only those', async () => {
    const res = await call('POST', '/v1/settings', {
      notifyHeaders: ['X-Test-Header', 'Subject', 'subject'], notifyTextSize: 2048, authServer: 'http://127.0.0.1:9/auth',
      gmailClientId: 'client-id.apps', gmailClientSecret: GMAIL_SECRET, gmailRedirectUrl: 'https://example.com/oauth',
      logs: { accounts: ['a1'], maxLogLines: 500 },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { updated: ['notifyHeaders', 'notifyTextSize', 'authServer', 'gmailClientId', 'gmailClientSecret', 'gmailRedirectUrl', 'logs'] });
    const all = (await call('GET', '/v1/settings')).body;
    assert.deepEqual(all.notifyHeaders, ['x-test-header', 'subject'], 'stored lower-case, once each');
    assert.equal(all.notifyTextSize, 2048);
    assert.equal(all.notifyText, false, 'not in the body: unchanged');
    assert.equal(all.authServer, 'http://127.0.0.1:9/auth');
    assert.deepEqual(all.logs, { all: false, accounts: ['a1'], maxLogLines: 500, resetLoggedAccounts: false });
    assert.equal(all.gmailClientSecretSet, true);
    assert.equal((await call('POST', '/v1/settings', { notifyText: true })).body.updated[0], 'notifyText');
    assert.equal((await call('GET', '/v1/settings?notifyText=true')).body.notifyText, true);
  });

  test('query flags select keys; gmailClientSecret is never returned', async () => {
    const two = await call('GET', '/v1/settings?webhooks=true&notifyText=true&logs=true');
    assert.deepEqual(Object.keys(two.body).sort(), ['logs', 'notifyText'], 'an unset webhooks URL is left out, never null');
    const events = await call('GET', '/v1/settings?eventTypes=true&notifyHeaders=1&gmailClientId=false');
    assert.deepEqual(Object.keys(events.body).sort(), ['eventTypes', 'notifyHeaders']);
    const secret = await call('GET', '/v1/settings?gmailClientSecret=true&gmailClientId=true');
    assert.deepEqual(secret.body, { gmailClientSecretSet: true, gmailClientId: 'client-id.apps' });
    for (const path of ['/v1/settings', '/v1/settings?gmailClientSecret=true']) {
      assert.ok(!JSON.stringify((await call('GET', path)).body).includes(GMAIL_SECRET));
    }
    assert.ok(!JSON.stringify((await call('PUT', '/v1/settings', { notifyText: true })).body).includes(GMAIL_SECRET));
  });

  test('bad input is a 400 naming the field, on POST and PUT alike, and changes nothing', async () => {
    const before = (await call('GET', '/v1/settings')).body;
    const cases: [unknown, string][] = [
      [{ unknownSetting: 1 }, 'unknownSetting'],
      [{ notifyText: true, bogus: 1 }, 'bogus'],
      [{ notifyTextSize: 100 * 1024 * 1024 }, 'notifyTextSize'],
      [{ notifyTextSize: 1.5 }, 'notifyTextSize'],
      [{ notifyHeaders: Array.from({ length: 101 }, (_, i) => `x-h-${i}`) }, 'notifyHeaders'],
      [{ notifyHeaders: ['bad header'] }, 'notifyHeaders.0'],
      [{ authServer: 'ftp://example.com/auth' }, 'authServer'],
      [{ authServer: `http://example.com/${'a'.repeat(3000)}` }, 'authServer'],
      [{ gmailRedirectUrl: 'not a url' }, 'gmailRedirectUrl'],
      [{ logs: { maxLogLines: 1_000_001 } }, 'logs.maxLogLines'],
      [{ logs: { accounts: 'a1' } }, 'logs.accounts'],
      [{ logs: { every: true } }, 'logs.every'],
      [{ gmailClientSecret: 42 }, 'gmailClientSecret'],
    ];
    for (const method of ['POST', 'PUT']) {
      for (const [body, field] of cases) {
        const res = await call(method, '/v1/settings', body);
        assert.equal(res.status, 400, `${method} ${JSON.stringify(body).slice(0, 80)}`);
        assert.ok(res.body.details.some((d: { field: string }) => d.field === field), `${JSON.stringify(body).slice(0, 80)} → ${JSON.stringify(res.body.details)}`);
      }
    }
    const query = await call('GET', '/v1/settings?noSuchKey=true');
    assert.equal(query.status, 400);
    assert.ok(query.body.details.some((d: { field: string }) => d.field === 'noSuchKey'));
    assert.deepEqual((await call('GET', '/v1/settings')).body, before);
  });

  test('null removes a URL; PUT takes the new keys and answers every key', async () => {
    assert.deepEqual((await call('POST', '/v1/settings', { authServer: null })).body, { updated: ['authServer'] });
    const put = await call('PUT', '/v1/settings', { notifyTextSize: 4096 });
    assert.equal(put.status, 200);
    assert.equal(put.body.notifyTextSize, 4096);
    assert.ok(!('authServer' in put.body));
    assert.equal(put.body.gmailClientSecretSet, true);
  });

  test('regression (re-trial): "" clears a URL as in the original; a password inside a URL is never shown', async () => {
    assert.equal((await call('POST', '/v1/settings', { authServer: 'http://api:s3cret@127.0.0.1:9/auth' })).status, 200);
    const shown = (await call('GET', '/v1/settings?authServer=true')).body;
    assert.deepEqual(shown, { authServer: 'http://api:***@127.0.0.1:9/auth' });
    assert.deepEqual((await call('POST', '/v1/settings', { authServer: '' })).body, { updated: ['authServer'] });
    assert.deepEqual((await call('GET', '/v1/settings?authServer=true')).body, {});
  });

  test('settings survive a restart', async () => {
    const before = (await call('GET', '/v1/settings')).body;
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, shards: 2 });
    assert.deepEqual((await call('GET', '/v1/settings')).body, before);
  });
});

describe('logs.resetLoggedAccounts', () => {
  test('reconnects the logged accounts, and only those', async () => {
    const login = (user: string) => ({ host: dovecot.host, port: dovecot.port, user, pass: dovecot.password });
    for (const id of ['logged', 'other']) {
      assert.equal((await call('POST', '/v1/account', exampleAccount(id, login(dovecot.user('settings'))))).status, 200);
    }
    const connects = async (id: string) => (await call('GET', `/v1/account/${id}`)).body.counters.connects as number;
    await eventually(async () => (await connects('logged')) === 1 && (await connects('other')) === 1, 10_000, 'both connected');
    const res = await call('POST', '/v1/settings', { logs: { accounts: ['logged'], resetLoggedAccounts: true } });
    assert.deepEqual(res.body, { updated: ['logs'] });
    await eventually(async () => (await connects('logged')) === 2, 10_000, 'the logged account reconnected');
    assert.equal(await connects('other'), 1);
    assert.equal((await call('GET', '/v1/settings?logs=true')).body.logs.resetLoggedAccounts, false, 'an action, not a stored value');
  });
});
