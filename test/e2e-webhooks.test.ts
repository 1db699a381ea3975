// Webhooks end to end: the built server as a child process, a real HTTP receiver on
// loopback, a real Dovecot for message events. Settings, signed delivery, the test request,
// and in-order delivery per account while one account's events keep failing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from '../src/webhooks/sign.js';
import { api, eventually, exampleAccount } from './helpers/api.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { appendMessages } from './helpers/seed.js';
import { removeDir, startServer, type RunningServer } from './helpers/server.js';

const SECRET = 'e2e-signing-secret-0123456789';
let dovecot: Dovecot;
let server: RunningServer;
let receiver: Receiver;
const call = (method: string, path: string, body?: unknown) => api(server.url, method, path, body);

/** Register a paused account (no IMAP traffic): exactly one accountAdded event. */
const addPaused = (account: string) => call('POST', '/v1/account', { ...exampleAccount(account, { host: '127.0.0.1', port: 1, user: 'u', pass: 'p' }), disabled: true });
/** accountDeleted then accountAdded: two more events for the account. */
async function cycle(account: string): Promise<void> {
  assert.equal((await call('DELETE', `/v1/account/${encodeURIComponent(account)}`)).status, 200);
  assert.equal((await addPaused(account)).status, 200);
}
/** Every event id the log holds for `account`, from the pull API. */
async function logIds(account: string): Promise<number[]> {
  const res = await call('GET', `/v1/events?account=${encodeURIComponent(account)}&limit=1000`);
  return res.body.events.map((e: { id: string }) => Number(e.id));
}
/** Ids accepted for `account`, duplicates removed, in arrival order. */
const acceptedIds = (account: string) => [...new Set(receiver.accepted().filter((p) => p.account === account).map((p) => Number(p.id)))];

before(async () => {
  dovecot = await startDovecot();
  receiver = await startReceiver();
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await receiver?.close();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

/** The webhook keys of a settings answer (it has the other settings beside them). */
const ours = (b: Record<string, unknown>) => Object.fromEntries(Object.entries(b).filter(([k]) => ['webhooks', 'webhookEvents', 'webhooksEnabled', 'secretSet'].includes(k)));

describe('settings', () => {
  test('round trip; partial updates; the secret is never shown', async () => {
    const initial = (await call('GET', '/v1/settings')).body;
    assert.deepEqual(ours(initial), { webhookEvents: ['*'], webhooksEnabled: true, secretSet: false });
    assert.ok(!('webhooks' in initial), 'an unset URL is absent, never null');
    const put = await call('PUT', '/v1/settings', { webhooks: receiver.url, secret: SECRET, webhookEvents: ['accountAdded', 'messageNew'] });
    assert.equal(put.status, 200);
    assert.deepEqual(ours(put.body), { webhooks: receiver.url, webhookEvents: ['accountAdded', 'messageNew'], webhooksEnabled: true, secretSet: true });
    const partial = await call('PUT', '/v1/settings', { webhookEvents: ['*'] });
    assert.deepEqual(ours(partial.body), { webhooks: receiver.url, webhookEvents: ['*'], webhooksEnabled: true, secretSet: true });
    const { eventTypes, ...got } = (await call('GET', '/v1/settings')).body;
    assert.ok(eventTypes.includes('messageNew'));
    assert.deepEqual(got, partial.body);
    for (const res of [put, partial]) assert.ok(!JSON.stringify(res.body).includes(SECRET));
    assert.equal((await call('PUT', '/v1/settings', { secret: null })).body.secretSet, false);
    assert.equal((await call('PUT', '/v1/settings', { secret: SECRET })).body.secretSet, true);
  });

  test('bad input is a 400 naming the field, and changes nothing', async () => {
    const cases: [unknown, string][] = [
      [{ webhooks: 'ftp://example.com/hook' }, 'webhooks'],
      [{ webhooks: 'not a url' }, 'webhooks'],
      [{ webhooks: 42 }, 'webhooks'],
      [{ webhookEvents: ['messageNew', 'noSuchEvent'] }, 'webhookEvents.1'],
      [{ webhookEvents: [] }, 'webhookEvents'],
      [{ webhooksEnabled: 'yes' }, 'webhooksEnabled'],
      [{ secret: 'short' }, 'secret'],
      [{ unknownSetting: true }, 'unknownSetting'],
      [{}, 'body'],
    ];
    const before = (await call('GET', '/v1/settings')).body;
    for (const [body, field] of cases) {
      const res = await call('PUT', '/v1/settings', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'ValidationError');
      assert.ok(res.body.details.some((d: { field: string }) => d.field === field), `${JSON.stringify(body)} → ${JSON.stringify(res.body.details)}`);
    }
    assert.deepEqual((await call('GET', '/v1/settings')).body, before);
  });
});

describe('delivery', () => {
  test('each event is POSTed with its headers and a signature that verifies', async () => {
    await addPaused('signed');
    await receiver.waitFor((r) => r.some((q) => q.json?.account === 'signed'), 5000, 'the accountAdded of "signed"');
    const req = receiver.requests.find((q) => q.json?.account === 'signed')!;
    const [logged] = (await call('GET', '/v1/events?account=signed')).body.events;
    assert.deepEqual(req.json, logged, 'the body is the payload the pull API shows');
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-imapapi-event-id'], logged.id);
    assert.equal(req.headers['x-imapapi-event'], 'accountAdded');
    assert.equal(req.headers['x-imapapi-account'], 'signed');
    const signature = String(req.headers['x-imapapi-signature']);
    assert.equal(verify(SECRET, signature, req.body), true);
    assert.equal(verify('another-secret-0123456789', signature, req.body), false);
    const t = Number(/t=(\d+)/.exec(signature)?.[1]);
    assert.ok(Math.abs(t - req.at / 1000) < 5, `timestamp ${t} vs arrival ${req.at / 1000}`);
  });

  test('an APPEND over IMAP arrives as messageNew', async () => {
    const user = dovecot.user('hook');
    await call('POST', '/v1/account', exampleAccount('mail', { host: dovecot.host, port: dovecot.port, user, pass: dovecot.password }));
    await eventually(async () => (await call('GET', '/v1/account/mail')).body.state === 'connected', 10_000, 'connected');
    const [appended] = await appendMessages({ host: dovecot.host, port: dovecot.port, user, pass: dovecot.password }, 'INBOX', 1);
    await receiver.waitFor((r) => r.some((q) => q.json?.account === 'mail' && q.json.event === 'messageNew'), 10_000, 'messageNew');
    const req = receiver.requests.find((q) => q.json?.account === 'mail' && q.json.event === 'messageNew')!;
    assert.equal(req.json.path, 'INBOX');
    assert.equal(req.json.data.uid, appended!.uid);
    assert.equal(req.json.data.subject, appended!.spec.subject);
    assert.equal(verify(SECRET, String(req.headers['x-imapapi-signature']), req.body), true);
  });

  test('nothing is sent while disabled, and switching on does not send that backlog', async () => {
    assert.equal((await call('PUT', '/v1/settings', { webhooksEnabled: false })).body.webhooksEnabled, false);
    await addPaused('while-off');
    await new Promise((r) => setTimeout(r, 1500));
    await call('PUT', '/v1/settings', { webhooksEnabled: true });
    await addPaused('after-on');
    await receiver.waitFor((r) => r.some((q) => q.json?.account === 'after-on'), 5000, 'the event after switching on');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.requests.filter((q) => q.json?.account === 'while-off').length, 0);
  });

  test('only the events in webhookEvents are sent', async () => {
    await call('PUT', '/v1/settings', { webhookEvents: ['accountDeleted'] });
    await addPaused('filtered');
    await cycle('filtered');
    await receiver.waitFor((r) => r.some((q) => q.json?.account === 'filtered'), 5000);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(receiver.requests.filter((q) => q.json?.account === 'filtered').map((q) => q.json.event), ['accountDeleted']);
    await call('PUT', '/v1/settings', { webhookEvents: ['*'] });
  });
});

describe('failures', () => {
  test('500s then 200s: every event arrives, in order per account, and one stuck account blocks nobody', async () => {
    let failing = true;
    receiver.respond = (req) => (failing && req.json?.account === 'stuck' ? 500 : 200);
    for (const acc of ['stuck', 'free-1', 'free-2']) await addPaused(acc);
    for (let i = 0; i < 3; i++) for (const acc of ['stuck', 'free-1', 'free-2']) await cycle(acc);
    const expected = Object.fromEntries(await Promise.all(['stuck', 'free-1', 'free-2'].map(async (a) => [a, await logIds(a)] as const)));
    assert.equal(expected['stuck']!.length, 7);

    await eventually(async () => acceptedIds('free-1').length === 7 && acceptedIds('free-2').length === 7, 10_000, 'free accounts delivered');
    assert.deepEqual(acceptedIds('stuck'), [], 'still failing');
    assert.ok(receiver.requests.filter((q) => q.json?.account === 'stuck').length >= 1);
    failing = false;
    await eventually(async () => acceptedIds('stuck').length === 7, 20_000, 'stuck account delivered after recovery');

    for (const acc of ['stuck', 'free-1', 'free-2']) assert.deepEqual(acceptedIds(acc), expected[acc], `${acc}: all, strictly increasing`);
    // at least once: only the event being retried may repeat, never one after it
    const stuckIds = receiver.requests.filter((q) => q.json?.account === 'stuck').map((q) => Number(q.json.id));
    assert.ok(stuckIds.every((id, i) => i === 0 || id >= stuckIds[i - 1]!), `never out of order: ${stuckIds.join(',')}`);
    assert.equal(stuckIds[0], expected['stuck']![0]);
    const stats = (await call('GET', '/v1/stats')).body.webhooks;
    assert.equal(stats.state, 'up');
    assert.ok(stats.counters.failed >= 1 && stats.counters.delivered >= 21, JSON.stringify(stats));
    receiver.respond = () => 200;
  });
});

describe('test request', () => {
  test('answers with the status the receiver gave; 409 without a URL', async () => {
    receiver.respond = (req) => (req.json?.event === 'test' ? 202 : 200);
    const ok = await call('POST', '/v1/webhooks/test');
    assert.equal(ok.status, 200);
    assert.equal(ok.body.ok, true);
    assert.equal(ok.body.status, 202);
    assert.equal(typeof ok.body.durationMs, 'number');
    const req = receiver.requests.findLast((q) => q.json?.event === 'test')!;
    assert.equal(req.json.id, '0');
    assert.equal(req.json.account, null);
    assert.equal(verify(SECRET, String(req.headers['x-imapapi-signature']), req.body), true);

    receiver.respond = () => 500;
    assert.deepEqual({ ...(await call('POST', '/v1/webhooks/test')).body, durationMs: 0 }, { ok: false, status: 500, durationMs: 0, error: 'HTTP 500' });
    receiver.respond = () => 200;

    await call('PUT', '/v1/settings', { webhooks: null });
    const none = await call('POST', '/v1/webhooks/test');
    assert.equal(none.status, 409);
    assert.equal(none.body.code, 'Conflict');
  });

  test('the secret never reached the log output', () => {
    assert.ok(!server.output().includes(SECRET));
  });
});
