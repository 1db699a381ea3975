// Folders end to end: listing with counts and special use, create (nested), rename, delete,
// stable folder ids, and the IMAP server's refusals coming back with its own words.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

let dovecot: Dovecot;
let server: RunningServer;
let login: ImapLogin;
const call = (method: string, path: string, body?: unknown) => api(server.url, method, path, body);
type Mailbox = { path: string; mailboxId: number; specialUse?: string; messages: number; uidNext: number; unseen?: number; parentPath: string; delimiter: string };
const folders = async (): Promise<Mailbox[]> => (await call('GET', '/v1/account/mb/mailboxes')).body.mailboxes;
const byPath = async (path: string) => (await folders()).find((m) => m.path === path);

before(async () => {
  dovecot = await startDovecot();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('mb'), pass: dovecot.password };
  await appendMessages(login, 'INBOX', 3);
  server = await startServer();
  await call('POST', '/v1/account', exampleAccount('mb', login));
  await eventually(async () => (await call('GET', '/v1/account/mb')).body.state === 'connected');
});
after(async () => {
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('lists folders with counts, special use and distinct stable ids', async () => {
  const list = await folders();
  const inbox = list.find((m) => m.path === 'INBOX')!;
  assert.deepEqual({ messages: inbox.messages, unseen: inbox.unseen, uidNext: inbox.uidNext, specialUse: inbox.specialUse }, { messages: 3, unseen: 3, uidNext: 4, specialUse: '\\Inbox' });
  for (const [path, use] of [['Sent', '\\Sent'], ['Drafts', '\\Drafts'], ['Trash', '\\Trash'], ['Junk', '\\Junk'], ['Archive', '\\Archive']]) {
    assert.equal(list.find((m) => m.path === path)?.specialUse, use, path);
  }
  const ids = list.map((m) => m.mailboxId);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual((await folders()).map((m) => m.mailboxId), ids, 'same ids on the next call');
});

test('create nested, rename keeping the id, delete', async () => {
  const created = await call('POST', '/v1/account/mb/mailbox', { path: 'Projects.2024' });
  assert.equal(created.status, 200);
  assert.equal(created.body.path, 'Projects.2024');
  assert.equal(created.body.created, true);
  const child = await byPath('Projects.2024');
  assert.equal(child?.parentPath, 'Projects');
  assert.equal(String(child?.mailboxId), created.body.mailboxId);

  const renamed = await call('PUT', '/v1/account/mb/mailbox', { path: 'Projects', newPath: 'Work' });
  assert.deepEqual(renamed.body, { path: 'Projects', newPath: 'Work', renamed: true });
  assert.equal(String((await byPath('Work.2024'))?.mailboxId), created.body.mailboxId, 'subfolder keeps its id');
  assert.equal(await byPath('Projects.2024'), undefined);

  const deleted = await call('DELETE', '/v1/account/mb/mailbox?path=Work.2024');
  assert.deepEqual(deleted.body, { path: 'Work.2024', deleted: true });
  assert.equal(await byPath('Work.2024'), undefined);
});

test('folders created and deleted through the API are announced at once, not at the next sweep', async () => {
  const since = (await call('GET', '/v1/events')).body.head;
  const folderEvents = async () => (await call('GET', `/v1/events?since=${since}&account=mb`)).body.events
    .filter((e: { event: string }) => e.event.startsWith('mailbox')).map((e: { event: string; path: string }) => `${e.event} ${e.path}`);
  await call('POST', '/v1/account/mb/mailbox', { path: 'Quick' });
  await eventually(async () => (await folderEvents()).includes('mailboxNew Quick'), 5000, 'mailboxNew');
  await call('DELETE', '/v1/account/mb/mailbox?path=Quick');
  await eventually(async () => (await folderEvents()).includes('mailboxDeleted Quick'), 5000, 'mailboxDeleted');
});

test('message ids of a folder survive its rename', async () => {
  await appendMessages(login, 'Moving', 2);
  const before = (await call('GET', '/v1/account/mb/messages?path=Moving')).body.messages[0];
  await call('PUT', '/v1/account/mb/mailbox', { path: 'Moving', newPath: 'Moved' });
  const one = await call('GET', `/v1/account/mb/message/${before.id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.subject, before.subject);
});

test('refusals: unknown folder 404, existing created: false, INBOX 400 in our words', async () => {
  const missing = await call('DELETE', '/v1/account/mb/mailbox?path=Nowhere');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'MailboxNotFound');
  assert.match(missing.body.message, /Nowhere/);
  const exists = await call('POST', '/v1/account/mb/mailbox', { path: 'Sent' });
  // the original IMAP API's answer (imapflow's): no error, created false
  assert.deepEqual({ status: exists.status, created: exists.body.created }, { status: 200, created: false });
  const inbox = await call('DELETE', '/v1/account/mb/mailbox?path=INBOX');
  assert.equal(inbox.status, 400);
  assert.equal(inbox.body.code, 'ValidationError');
  assert.match(inbox.body.message, /INBOX cannot be deleted/);
  assert.ok((await byPath('INBOX')), 'INBOX still there');
  assert.equal((await call('POST', '/v1/account/mb/mailbox', { path: '' })).status, 400);
  assert.equal((await call('POST', '/v1/account/mb/mailbox', { path: 'x', extra: 1 })).status, 400);
});

test('folders created by another client appear, with a new id', async () => {
  const other = await imapClient(login);
  await other.mailboxCreate('FromElsewhere');
  await other.logout();
  const list = await folders();
  const added = list.find((m) => m.path === 'FromElsewhere');
  assert.ok(added);
  assert.equal(list.filter((m) => m.mailboxId === added.mailboxId).length, 1);
});

test('an account that cannot log in answers reads with 503', async () => {
  await call('POST', '/v1/account', exampleAccount('locked', { ...login, pass: 'wrong' }));
  await eventually(async () => (await call('GET', '/v1/account/locked')).body.state === 'authenticationError');
  const res = await call('GET', '/v1/account/locked/mailboxes');
  assert.equal(res.status, 503);
  assert.equal(res.body.code, 'NotConnected');
  assert.match(res.body.message, /authenticationError/);
  assert.equal((await call('GET', '/v1/account/ghost/mailboxes')).status, 404);
});
