// Writes on servers without MOVE, SPECIAL-USE or UIDPLUS (Dovecot with a reduced capability
// list): moves fall back to COPY + expunge, Trash is found by name, new ids are still found,
// and without UIDPLUS nothing is expunged that someone else marked \Deleted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow, SearchObject } from 'imapflow';
import { uidsIn } from './helpers/peek.js';
import { decodeMessageId } from '../src/ids.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

interface Bed { dovecot: Dovecot; login: ImapLogin; imap: ImapFlow }
const beds: Bed[] = [];
let server: RunningServer;

async function bed(capability: string, account: string): Promise<Bed> {
  const dovecot = await startDovecot({ capability });
  const login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('fallback'), pass: dovecot.password };
  await appendMessages(login, 'INBOX', 5);
  const b = { dovecot, login, imap: await imapClient(login) };
  beds.push(b);
  await api(server.url, 'POST', '/v1/account', exampleAccount(account, login));
  await eventually(async () => (await api(server.url, 'GET', `/v1/account/${account}`)).body.state === 'connected', 15_000, `${account} connected`);
  return b;
}

const uids = (b: Bed, path: string, query?: SearchObject) => uidsIn(b.imap, path, query);

let noMove: Bed;
let noUidplus: Bed;
before(async () => {
  server = await startServer();
  noMove = await bed('IMAP4rev1 LITERAL+ NAMESPACE UIDPLUS', 'nomove');
  noUidplus = await bed('IMAP4rev1 LITERAL+ NAMESPACE', 'nouidplus');
});
after(async () => {
  await server?.stop();
  for (const b of beds) {
    await b.imap.logout().catch(() => undefined);
    await b.dovecot.close();
  }
  if (server) await removeDir(server.dataDir);
});

const list = async (account: string, path: string) => (await api(server.url, 'GET', `/v1/account/${account}/messages?path=${path}`)).body.messages as { id: string; uid: number; subject: string }[];

test('without MOVE: COPY + UID EXPUNGE moves exactly the message, other \\Deleted ones stay', async () => {
  const [a, b] = await list('nomove', 'INBOX');
  const lock = await noMove.imap.getMailboxLock('INBOX');
  await noMove.imap.messageFlagsAdd(String(b!.uid), ['\\Deleted'], { uid: true });
  lock.release();
  const res = await api(server.url, 'PUT', `/v1/account/nomove/message/${a!.id}/move`, { path: 'Archive' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.ok((await uids(noMove, 'Archive')).includes(res.body.uid));
  const inbox = await uids(noMove, 'INBOX');
  assert.ok(!inbox.includes(a!.uid), 'moved away');
  assert.ok(inbox.includes(b!.uid), 'the other \\Deleted message was not expunged');
  // no SPECIAL-USE: Trash is found by its name
  const del = await api(server.url, 'DELETE', `/v1/account/nomove/message/${res.body.id}`);
  assert.equal(del.body.moved?.destination, 'Trash', JSON.stringify(del.body));
  assert.ok((await uids(noMove, 'Trash')).includes(decodeMessageId(del.body.moved.messageId).uid));
});

test('without UIDPLUS: a move that would expunge someone else\'s \\Deleted message is refused, changing nothing', async () => {
  const [a, b] = await list('nouidplus', 'INBOX');
  const lock = await noUidplus.imap.getMailboxLock('INBOX');
  await noUidplus.imap.messageFlagsAdd(String(b!.uid), ['\\Deleted'], { uid: true });
  lock.release();
  const refused = await api(server.url, 'PUT', `/v1/account/nouidplus/message/${a!.id}/move`, { path: 'Archive' });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.match(refused.body.message, /UIDPLUS/);
  assert.deepEqual(await uids(noUidplus, 'Archive'), [], 'nothing was copied');
  assert.ok((await uids(noUidplus, 'INBOX')).includes(b!.uid));
  const forced = await api(server.url, 'DELETE', `/v1/account/nouidplus/message/${a!.id}?force=true`);
  assert.equal(forced.status, 409, 'an expunge is refused the same way');

  const lock2 = await noUidplus.imap.getMailboxLock('INBOX');
  await noUidplus.imap.messageFlagsRemove(String(b!.uid), ['\\Deleted'], { uid: true });
  lock2.release();
  const moved = await api(server.url, 'PUT', `/v1/account/nouidplus/message/${a!.id}/move`, { path: 'Archive' });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  // the server named no new UID: it was found by the Message-ID
  const archived = await list('nouidplus', 'Archive');
  assert.equal(archived.length, 1);
  assert.deepEqual({ id: moved.body.id, uid: moved.body.uid }, { id: archived[0]!.id, uid: archived[0]!.uid });
  assert.equal(archived[0]!.subject, a!.subject);
});

test('without UIDPLUS an upload still learns its UID (from the sequence number)', async () => {
  const raw = Buffer.from('From: x@example.com\r\nSubject: seq upload\r\n\r\nbody\r\n');
  const res = await api(server.url, 'POST', '/v1/account/nouidplus/message', { path: 'Drafts', raw: raw.toString('base64') });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(await uids(noUidplus, 'Drafts'), [res.body.uid]);
  const source = await fetch(`${server.url}/v1/account/nouidplus/message/${res.body.id}/source`);
  assert.ok(Buffer.from(await source.arrayBuffer()).equals(raw));
});
