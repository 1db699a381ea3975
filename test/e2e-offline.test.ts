// Changes made while the API server is down (new, deleted, re-flagged messages, a new folder)
// are each reported exactly once after it starts again — with QRESYNC, and with the actor
// forced to the CONDSTORE and full-diff fallbacks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';
import type { Payload } from './helpers/stream.js';

let dovecot: Dovecot;
before(async () => { dovecot = await startDovecot(); });
after(async () => { await dovecot?.close(); });

const pull = async (server: RunningServer, since: number): Promise<Payload[]> =>
  (await api(server.url, 'GET', `/v1/events?since=${since}&limit=1000`)).body.events;

for (const strategy of ['auto', 'condstore', 'full'] as const) {
  describe(`strategy ${strategy}`, () => {
    let server: RunningServer;
    let dataDir = '';
    after(async () => {
      await server?.stop();
      await removeDir(dataDir);
    });

    test('offline changes are reported once after a restart', async () => {
      const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user(`off-${strategy}`), pass: dovecot.password };
      await appendMessages(login, 'INBOX', 5);
      await appendMessages(login, 'Archive', 3);
      const args = ['--sync-strategy', strategy, '--log-level', 'debug'];
      server = await startServer({ args });
      dataDir = server.dataDir;
      await api(server.url, 'POST', '/v1/account', exampleAccount('off', login));
      await eventually(async () => (await api(server.url, 'GET', '/v1/account/off')).body.state === 'connected');
      const before = (await api(server.url, 'GET', '/v1/events')).body.head;
      assert.equal((await pull(server, 0)).filter((e) => e.event.startsWith('message')).length, 0, 'baseline is silent');
      assert.equal((await server.stop()).code, 0);

      // while we are down: one new, one deleted and one re-flagged message per folder, a new folder
      const c = await imapClient(login);
      const [fresh] = await appendMessages(login, 'INBOX', 1, { start: 50 });
      const [freshArchive] = await appendMessages(login, 'Archive', 1, { start: 60 });
      await c.mailboxOpen('INBOX');
      await c.messageDelete('2', { uid: true });
      await c.messageFlagsAdd('3', ['\\Seen', '\\Flagged'], { uid: true });
      await c.mailboxOpen('Archive');
      await c.messageFlagsAdd('1', ['$Important'], { uid: true });
      await c.messageDelete('3', { uid: true });
      await c.mailboxCreate('Projects');
      await c.logout();

      server = await startServer({ dataDir, args });
      await eventually(async () => (await pull(server, Number(before))).length >= 8, 15_000, 'offline changes');
      await new Promise((r) => setTimeout(r, 1500)); // room for anything reported twice
      const events = (await pull(server, Number(before))).filter((e) => e.event !== 'authenticationSuccess');
      const summary = events.map((e) => `${e.event} ${e.path} ${e.data.uid ?? ''} ${JSON.stringify(e.data.changes ?? '')}`).sort();
      assert.deepEqual(summary, [
        `mailboxNew Projects  ""`,
        `messageDeleted Archive 3 ""`,
        `messageDeleted INBOX 2 ""`,
        `messageNew Archive ${freshArchive!.uid} ""`,
        `messageNew INBOX ${fresh!.uid} ""`,
        `messageUpdated Archive 1 {"flags":{"added":["$Important"]}}`,
        `messageUpdated INBOX 3 {"flags":{"added":["\\\\Seen","\\\\Flagged"]}}`,
      ].sort());
      const used = strategy === 'auto' ? 'qresync' : strategy;
      assert.match(server.output(), new RegExp(`"strategy":"${used}"`));
    });
  });
}

test('a folder recreated with a new UIDVALIDITY → one mailboxReset, no flood of deletes and news', async () => {
  const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('reset'), pass: dovecot.password };
  await appendMessages(login, 'Archive', 4);
  let server = await startServer();
  const { dataDir } = server;
  try {
    await api(server.url, 'POST', '/v1/account', exampleAccount('reset', login));
    await eventually(async () => (await api(server.url, 'GET', '/v1/account/reset')).body.state === 'connected');
    const before = Number((await api(server.url, 'GET', '/v1/events')).body.head);
    const stale = (await api(server.url, 'GET', '/v1/account/reset/messages?path=Archive')).body.messages[0].id as string;
    await server.stop();
    const c = await imapClient(login);
    await c.mailboxDelete('Archive');
    await c.mailboxCreate('Archive');
    await c.logout();
    await appendMessages(login, 'Archive', 2, { start: 30 });
    server = await startServer({ dataDir });
    await eventually(async () => (await pull(server, before)).some((e) => e.event === 'mailboxReset'), 15_000, 'mailboxReset');
    await new Promise((r) => setTimeout(r, 1000));
    const events = (await pull(server, before)).filter((e) => e.path === 'Archive');
    assert.deepEqual(events.map((e) => e.event), ['mailboxReset']);
    assert.notEqual(events[0]!.data.uidValidity, events[0]!.data.previousUidValidity);
    const list = (await api(server.url, 'GET', '/v1/account/reset/messages?path=Archive')).body;
    assert.equal(list.total, 2);
    // the folder got a new id: a message id made before the reset names no message now
    assert.notEqual(events[0]!.data.mailboxId, events[0]!.data.previousMailboxId);
    assert.equal((await api(server.url, 'GET', `/v1/account/reset/message/${stale}`)).status, 404);
    assert.equal((await api(server.url, 'PUT', `/v1/account/reset/message/${stale}`, { flags: { add: ['\\Seen'] } })).status, 404);
  } finally {
    await server.stop();
    await removeDir(dataDir);
  }
});
