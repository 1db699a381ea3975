// Issue 14 review: widening an account's `path` (one folder → every folder) must not flood.
// The folders that were outside the watch are its starting state, like a first sync: no
// mailboxNew for them and no messageNew for their mail, whatever notifyFrom says.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { buildMessage, imapClient, seedSpec, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually } from './helpers/api.js';
import { openStream, type StreamClient } from './helpers/stream.js';

let dovecot: Dovecot;
let server: RunningServer;
let stream: StreamClient;
let login: ImapLogin;
let other: ImapFlow;

const put = async (path: string, subject: string) => other.append(path, await buildMessage({ ...seedSpec(1), subject }), []);
const connected = () => eventually(async () => (await api(server.url, 'GET', '/v1/account/w')).body.state === 'connected', 15_000, 'connected');

before(async () => {
  dovecot = await startDovecot();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('widen'), pass: dovecot.password };
  server = await startServer();
  stream = await openStream(server.url, 'account=w');
  other = await imapClient(login);
});
after(async () => {
  stream?.close();
  await other?.logout().catch(() => undefined);
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('issue-14: path INBOX widened to every folder announces no folder and none of its mail', async () => {
  const res = await api(server.url, 'POST', '/v1/account', {
    account: 'w', name: 'w', path: 'INBOX',
    imap: { host: dovecot.host, port: dovecot.port, auth: { user: login.user, pass: dovecot.password }, resyncDelay: 1 },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await connected();
  // mail newer than notifyFrom, in folders that are not watched
  await other.mailboxCreate('Outside');
  await put('Outside', 'filed while unwatched');
  await put('INBOX', 'marker 1');
  await stream.waitFor((e) => e.event === 'messageNew' && e.data.subject === 'marker 1', 10_000, 'marker 1');
  await new Promise((r) => setTimeout(r, 2500)); // a few 1 s sweeps see the folder list

  assert.equal((await api(server.url, 'PUT', '/v1/account/w', { path: null })).status, 200);
  await eventually(async () => (await api(server.url, 'GET', '/v1/account/w')).body.path === undefined, 5_000, 'path removed');
  await connected();
  await put('Outside', 'new once watched');
  await stream.waitFor((e) => e.event === 'messageNew' && e.data.subject === 'new once watched', 15_000, 'the widened watch works');
  const seen = stream.events.filter((e) => e.event.startsWith('mailbox') || e.event === 'messageNew').map((e) => `${e.event} ${e.path} ${e.data.subject ?? ''}`.trim());
  assert.deepEqual(seen, ['messageNew INBOX marker 1', 'messageNew Outside new once watched']);
});
