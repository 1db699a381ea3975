// The sync contract, run against several Dovecot capability profiles and sync strategies:
// whatever the server offers, the same changes by another client become the same events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { decodeMessageId } from '../../src/ids.js';
import { startDovecot, type Dovecot } from './dovecot.js';
import { appendMessages, imapClient, type ImapLogin } from './seed.js';
import { startServer, removeDir, type RunningServer } from './server.js';
import { api, eventually, exampleAccount } from './api.js';
import { openStream, type Payload, type StreamClient } from './stream.js';
import { startReceiver, type Receiver } from './receiver.js';

export interface SyncProfile {
  name: string;
  /** Dovecot's advertised capabilities, when not the full set */
  capability?: string;
  /** --sync-strategy for the server */
  strategy: 'auto' | 'condstore' | 'full';
  /** the strategy the server must report using */
  expect: 'qresync' | 'condstore' | 'full';
}

export function syncContract(profile: SyncProfile): void {
  let dovecot: Dovecot;
  let server: RunningServer;
  let stream: StreamClient;
  let login: ImapLogin;
  let other: ImapFlow;
  let hook: Receiver;
  let inboxId = 0;
  const is = (event: string, path: string | null, more: (e: Payload) => boolean = () => true) => (e: Payload) => e.event === event && e.path === path && more(e);

  before(async () => {
    dovecot = await startDovecot(profile.capability ? { capability: profile.capability } : {});
    login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('sync'), pass: dovecot.password };
    await appendMessages(login, 'INBOX', 3);
    await appendMessages(login, 'Archive', 2);
    server = await startServer({ args: ['--sync-strategy', profile.strategy, '--sync-interval', '1000', '--log-level', 'debug'] });
    hook = await startReceiver();
    assert.equal((await api(server.url, 'PUT', '/v1/settings', { webhooks: hook.url, webhooksEnabled: true })).status, 200);
    stream = await openStream(server.url, 'since=0');
    await api(server.url, 'POST', '/v1/account', exampleAccount('acct', login));
    await eventually(async () => (await api(server.url, 'GET', '/v1/account/acct')).body.state === 'connected');
    inboxId = (await api(server.url, 'GET', '/v1/account/acct/mailboxes')).body.mailboxes.find((m: { path: string }) => m.path === 'INBOX').mailboxId;
    other = await imapClient(login);
    await other.mailboxOpen('INBOX');
  });
  after(async () => {
    stream?.close();
    await hook?.close();
    await other?.logout().catch(() => undefined);
    await server?.stop();
    await dovecot?.close();
    if (server) await removeDir(server.dataDir);
  });

  test(`${profile.name}: the first sync announces nothing old; the ${profile.expect} strategy is used`, async () => {
    await stream.waitFor((e) => e.event === 'authenticationSuccess');
    assert.deepEqual(stream.events.filter((e) => e.event.startsWith('message') || e.event.startsWith('mailbox')), []);
    assert.match(server.output(), new RegExp(`"strategy":"${profile.expect}"`));
    if (profile.expect !== 'full') assert.doesNotMatch(server.output(), /"strategy":"full"/);
  });

  test(`${profile.name}: APPEND by another client → messageNew with id, uid, subject, sender`, async () => {
    const [added] = await appendMessages(login, 'INBOX', 1, { start: 100 });
    const e = await stream.waitFor(is('messageNew', 'INBOX', (x) => x.data.uid === added!.uid), 10_000, 'messageNew');
    assert.equal(e.account, 'acct');
    assert.deepEqual(decodeMessageId(e.data.id), { mailbox: inboxId, uid: added!.uid });
    assert.equal(e.data.subject, added!.spec.subject);
    assert.deepEqual(e.data.from, added!.spec.from);
    assert.equal(e.data.messageId, added!.spec.messageId);
    assert.ok(e.data.text.id);
    const pulled = (await api(server.url, 'GET', `/v1/events?since=${Number(e.id) - 1}&limit=1`)).body.events[0];
    assert.deepEqual(pulled, e);
    await hook.waitFor((reqs) => reqs.some((r) => r.json?.id === e.id), 10_000, 'the webhook');
    assert.deepEqual(hook.requests.find((r) => r.json?.id === e.id)!.json, e);
  });

  test(`${profile.name}: \\Seen added and removed → messageUpdated with added / removed`, async () => {
    await other.messageFlagsAdd('1', ['\\Seen'], { uid: true });
    const added = await stream.waitFor(is('messageUpdated', 'INBOX', (x) => x.data.uid === 1 && !!x.data.changes.flags.added), 10_000, 'flag added');
    assert.deepEqual(added.data.changes, { flags: { added: ['\\Seen'] } });
    await other.messageFlagsRemove('1', ['\\Seen'], { uid: true });
    const removed = await stream.waitFor(is('messageUpdated', 'INBOX', (x) => x.data.uid === 1 && !!x.data.changes.flags.removed), 10_000, 'flag removed');
    assert.deepEqual(removed.data.changes, { flags: { removed: ['\\Seen'] } });
    assert.ok(Number(removed.id) > Number(added.id));
  });

  test(`${profile.name}: EXPUNGE → messageDeleted`, async () => {
    await other.messageDelete('2', { uid: true });
    const e = await stream.waitFor(is('messageDeleted', 'INBOX', (x) => x.data.uid === 2), 10_000, 'messageDeleted');
    assert.deepEqual(decodeMessageId(e.data.id), { mailbox: inboxId, uid: 2 });
  });

  test(`${profile.name}: folders created and deleted by another client → mailboxNew / mailboxDeleted`, async () => {
    await other.mailboxCreate('Fresh');
    const created = await stream.waitFor(is('mailboxNew', 'Fresh'), 10_000, 'mailboxNew');
    assert.equal(typeof created.data.mailboxId, 'number');
    await other.mailboxDelete('Fresh');
    const deleted = await stream.waitFor(is('mailboxDeleted', 'Fresh'), 10_000, 'mailboxDeleted');
    assert.equal(deleted.data.mailboxId, created.data.mailboxId);
  });

  test(`${profile.name}: changes in a folder other than INBOX are found by the sweep`, async () => {
    const [added] = await appendMessages(login, 'Archive', 1, { start: 200 });
    const e = await stream.waitFor(is('messageNew', 'Archive', (x) => x.data.uid === added!.uid), 10_000, 'messageNew in Archive');
    assert.equal(e.data.subject, added!.spec.subject);
    const box = await imapClient(login);
    await box.mailboxOpen('Archive');
    await box.messageFlagsAdd('1', ['\\Flagged'], { uid: true });
    await box.logout();
    const flagged = await stream.waitFor(is('messageUpdated', 'Archive', (x) => x.data.uid === 1), 10_000, 'messageUpdated in Archive');
    assert.deepEqual(flagged.data.changes, { flags: { added: ['\\Flagged'] } });
  });

  test(`${profile.name}: every event exactly once, ids increasing`, async () => {
    const ids = stream.events.map((e) => Number(e.id));
    assert.deepEqual(ids, [...new Set(ids)].sort((a, b) => a - b));
    const pulled = (await api(server.url, 'GET', '/v1/events?since=0&limit=1000')).body.events.map((e: Payload) => Number(e.id));
    assert.deepEqual(pulled.slice(0, ids.length), ids);
    await hook.waitFor((reqs) => reqs.some((r) => Number(r.json?.id) === ids[ids.length - 1]), 10_000, 'webhooks caught up');
    const hooked = hook.accepted().map((p: Payload) => Number(p.id));
    assert.deepEqual(hooked.filter((id: number) => ids.includes(id)), ids, 'webhooks: the same events, in order');
  });
}
