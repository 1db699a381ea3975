// The write API end to end on a full-featured Dovecot (MOVE, UIDPLUS, SPECIAL-USE): flags,
// move, delete to Trash and expunge, their bulk forms and upload, each checked with a second
// IMAP client afterwards and each followed by its events on the change stream.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow, SearchObject } from 'imapflow';
import { flagsIn, uidsIn } from './helpers/peek.js';
import { decodeMessageId, encodeMessageId } from '../src/ids.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';
import { openStream, type StreamClient } from './helpers/stream.js';

let dovecot: Dovecot;
let server: RunningServer;
let login: ImapLogin;
let imap: ImapFlow;
let stream: StreamClient;
const A = 'writer';
const call = (method: string, path: string, body?: unknown) => api(server.url, method, `/v1/account/${A}${path}`, body);

const flagsOf = (path: string, uid: number) => flagsIn(imap, path, uid);
const uidsOf = (path: string) => uidsIn(imap, path);
const searchIn = (path: string, query: SearchObject) => uidsIn(imap, path, query);

async function idsIn(path: string): Promise<{ id: string; uid: number; subject: string }[]> {
  return (await call('GET', `/messages?path=${encodeURIComponent(path)}&pageSize=100`)).body.messages;
}

before(async () => {
  dovecot = await startDovecot();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('write'), pass: dovecot.password };
  await appendMessages(login, 'INBOX', 12);
  await appendMessages(login, 'Work', 6, { start: 100 });
  imap = await imapClient(login);
  server = await startServer();
  // the seeded mail predates the account: an early notifyFrom lets moves of it be announced
  await api(server.url, 'POST', '/v1/account', { ...exampleAccount(A, login), notifyFrom: '2000-01-01T00:00:00.000Z' });
  await eventually(async () => (await call('GET', '')).body.state === 'connected', 15_000, 'connected');
  stream = await openStream(server.url, `account=${A}`);
});
after(async () => {
  stream?.close();
  await imap?.logout().catch(() => undefined);
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('flags: add, delete and set on one message, seen by IMAP and announced as messageUpdated', async () => {
  const [m] = await idsIn('Work');
  assert.ok(m);
  const add = await call('PUT', `/message/${m.id}`, { flags: { add: ['\\Flagged', '$Important'] } });
  assert.equal(add.status, 200, JSON.stringify(add.body));
  assert.deepEqual(add.body, { flags: { add: true } });
  assert.deepEqual(await flagsOf('Work', m.uid), ['$Important', '\\Flagged']);
  const updated = await stream.waitFor((e) => e.event === 'messageUpdated' && e.data.id === m.id && e.data.changes.flags.added?.includes('\\Flagged'), 10_000, 'messageUpdated');
  assert.equal(updated.path, 'Work');

  const del = await call('PUT', `/message/${m.id}`, { flags: { delete: ['$Important'] } });
  assert.deepEqual(del.body, { flags: { delete: true } });
  assert.deepEqual(await flagsOf('Work', m.uid), ['\\Flagged']);
  await stream.waitFor((e) => e.event === 'messageUpdated' && e.data.id === m.id && e.data.changes.flags.removed?.includes('$Important'));

  const set = await call('PUT', `/message/${m.id}`, { flags: { set: ['\\Seen', '\\Answered'] } });
  assert.deepEqual(set.body, { flags: { set: true } });
  assert.deepEqual(await flagsOf('Work', m.uid), ['\\Answered', '\\Seen']);
  const after = (await call('GET', `/message/${m.id}`)).body;
  assert.deepEqual([...after.flags].sort(), ['\\Answered', '\\Seen']);
  assert.equal(after.unseen, false);

  // the original's labels: Dovecot has no X-GM-EXT-1, so they are accepted, said not applied, and change nothing
  const labels = await call('PUT', `/message/${m.id}`, { flags: { add: ['$Later'] }, labels: { add: ['Work'], delete: ['Old'] } });
  assert.deepEqual(labels.body, { flags: { add: true }, labels: { add: false, delete: false } });
  assert.deepEqual(await flagsOf('Work', m.uid), ['$Later', '\\Answered', '\\Seen']);
  assert.equal((await call('PUT', `/message/${m.id}`, {})).status, 400, 'an update with nothing to change');
  const bad = await call('PUT', `/message/${m.id}`, { labels: { add: ['two\nlines'] } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.details[0].field, 'labels.add.0');
});

test('bulk flags by ids and by search: one folder, the count of messages changed', async () => {
  const list = await idsIn('INBOX');
  const picked = list.slice(0, 3);
  const byIds = await call('PUT', '/messages?path=INBOX', { messages: picked.map((m) => m.id), flags: { add: ['\\Seen'] } });
  assert.equal(byIds.status, 200, JSON.stringify(byIds.body));
  assert.deepEqual(byIds.body, { flags: { add: true }, updated: 3 });
  for (const m of picked) assert.ok((await flagsOf('INBOX', m.uid))!.includes('\\Seen'));
  for (const m of picked) await stream.waitFor((e) => e.event === 'messageUpdated' && e.data.id === m.id);

  const bySearch = await call('PUT', '/messages?path=INBOX', { search: { seen: true }, flags: { add: ['\\Flagged'] } });
  assert.deepEqual(bySearch.body, { flags: { add: true }, updated: 3 });
  assert.deepEqual(await searchIn('INBOX', { flagged: true }), picked.map((m) => m.uid).sort((a, b) => a - b));
  const none = await call('PUT', '/messages?path=INBOX', { search: { subject: 'no such subject anywhere' }, flags: { add: ['\\Flagged'] } });
  assert.deepEqual(none.body, { flags: {}, updated: 0 });
});

test('move: the copy gets a new id that reads back, the source loses it, both folders announce it', async () => {
  const [m] = await idsIn('Work');
  const res = await call('PUT', `/message/${m!.id}/move`, { path: 'Archive' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.path, 'Archive');
  assert.equal(typeof res.body.uid, 'number');
  assert.deepEqual(decodeMessageId(res.body.id).uid, res.body.uid);
  assert.ok(!(await uidsOf('Work')).includes(m!.uid));
  assert.ok((await uidsOf('Archive')).includes(res.body.uid));
  const moved = (await call('GET', `/message/${res.body.id}`)).body;
  assert.equal(moved.subject, m!.subject);
  await stream.waitFor((e) => e.event === 'messageDeleted' && e.path === 'Work' && e.data.id === m!.id, 10_000, 'messageDeleted in Work');
  await stream.waitFor((e) => e.event === 'messageNew' && e.path === 'Archive' && e.data.id === res.body.id, 10_000, 'messageNew in Archive');
  assert.equal((await call('GET', `/message/${m!.id}`)).status, 404, 'the old id is gone');
});

test('bulk move by search: every match lands in the target with an id map', async () => {
  const before = await idsIn('INBOX');
  const res = await call('PUT', '/messages/move?path=INBOX', { search: { flagged: true }, destination: 'Work' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.moved, 3);
  assert.equal(res.body.idMap.length, 3);
  const work = await uidsOf('Work');
  for (const [from, to] of res.body.idMap as [string, string][]) {
    assert.ok(before.some((m) => m.id === from));
    assert.ok(work.includes(decodeMessageId(to).uid));
    await stream.waitFor((e) => e.event === 'messageNew' && e.data.id === to);
  }
  assert.equal((await uidsOf('INBOX')).length, before.length - 3);
});

test('delete: to Trash first, expunged when deleted in Trash, expunged at once with force', async () => {
  const [m, n] = await idsIn('INBOX');
  const first = await call('DELETE', `/message/${m!.id}`);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.moved.destination, 'Trash');
  const inTrash = decodeMessageId(first.body.moved.messageId);
  assert.ok((await uidsOf('Trash')).includes(inTrash.uid));
  assert.ok(!(await uidsOf('INBOX')).includes(m!.uid));
  await stream.waitFor((e) => e.event === 'messageNew' && e.path === 'Trash' && e.data.id === first.body.moved.messageId);

  const second = await call('DELETE', `/message/${first.body.moved.messageId}`);
  assert.deepEqual(second.body, { deleted: true });
  assert.ok(!(await uidsOf('Trash')).includes(inTrash.uid));
  await stream.waitFor((e) => e.event === 'messageDeleted' && e.path === 'Trash' && e.data.id === first.body.moved.messageId);

  const forced = await call('DELETE', `/message/${n!.id}?force=true`);
  assert.deepEqual(forced.body, { deleted: true });
  assert.ok(!(await uidsOf('INBOX')).includes(n!.uid));
  await stream.waitFor((e) => e.event === 'messageDeleted' && e.path === 'INBOX' && e.data.id === n!.id);
});

test('bulk delete: listed ids to Trash, then the whole Trash expunged by search', async () => {
  const list = await idsIn('INBOX');
  const picked = list.slice(0, 2);
  const trashBefore = (await uidsOf('Trash')).length;
  const res = await call('PUT', '/messages/delete?path=INBOX', { messages: picked.map((m) => m.id) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.moved.destination, 'Trash');
  assert.equal(res.body.moved.count, 2);
  assert.equal((await uidsOf('Trash')).length, trashBefore + 2);
  const purge = await call('PUT', '/messages/delete?path=Trash', { search: { uid: '1:*' } });
  assert.deepEqual(purge.body, { deleted: trashBefore + 2 });
  assert.deepEqual(await uidsOf('Trash'), []);
});

test('upload raw: the same bytes come back from the source route, with the flags asked for', async () => {
  const raw = Buffer.from('From: Ann <ann@example.com>\r\nTo: bob@example.com\r\nSubject: Uploaded ÕÄ\r\nMessage-ID: <up-1@e2e.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHello from the upload, õunad.\r\n');
  const res = await call('POST', '/message', { path: 'Drafts', flags: ['\\Draft', '\\Seen'], raw: raw.toString('base64') });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.path, 'Drafts');
  assert.equal(res.body.id, encodeMessageId({ mailbox: decodeMessageId(res.body.id).mailbox, uid: res.body.uid }));
  const source = await fetch(`${server.url}/v1/account/${A}/message/${res.body.id}/source`);
  assert.ok(Buffer.from(await source.arrayBuffer()).equals(raw));
  assert.deepEqual(await flagsOf('Drafts', res.body.uid), ['\\Draft', '\\Seen']);
  const msg = (await call('GET', `/message/${res.body.id}`)).body;
  assert.equal(msg.text.plain, 'Hello from the upload, õunad.\n');
  await stream.waitFor((e) => e.event === 'messageNew' && e.path === 'Drafts' && e.data.id === res.body.id);
});

test('rename through the API is announced like a rename elsewhere; the ids keep working', async () => {
  const [m] = await idsIn('Archive');
  const res = await api(server.url, 'PUT', `/v1/account/${A}/mailbox`, { path: 'Archive', newPath: 'Archive 2024' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const gone = await stream.waitFor((e) => e.event === 'mailboxDeleted' && e.path === 'Archive');
  const fresh = await stream.waitFor((e) => e.event === 'mailboxNew' && e.path === 'Archive 2024');
  assert.equal(fresh.data.mailboxId, gone.data.mailboxId);
  assert.notEqual(fresh.data.specialUse, null, 'absent or a string, never null');
  assert.equal((await call('GET', `/message/${m!.id}`)).body.subject, m!.subject);
  const del = await api(server.url, 'DELETE', `/v1/account/${A}/mailbox?path=${encodeURIComponent('Archive 2024')}`);
  assert.equal(del.status, 200);
  await stream.waitFor((e) => e.event === 'mailboxDeleted' && e.path === 'Archive 2024');
});

test('regression (new-user trial): every API change is announced once, and an INBOX deletion within seconds, not at the next sweep', async () => {
  await appendMessages(login, 'INBOX', 6, { start: 300 });
  await eventually(async () => (await idsIn('INBOX')).length >= 6, 10_000, 'seeded');
  const list = (await idsIn('INBOX')).slice(0, 6);
  // the sync has seen them (else a change made now would be part of their messageNew)
  for (const m of list) await stream.waitFor((e) => e.event === 'messageNew' && e.data.id === m.id);
  const since = stream.events.length;
  const updates = () => stream.events.slice(since).filter((e) => e.event === 'messageUpdated' && e.data.id === list[0]!.id);
  for (let i = 0; i < 4; i++) {
    assert.equal((await call('PUT', `/message/${list[0]!.id}`, { flags: i % 2 ? { delete: ['\\Seen'] } : { add: ['\\Seen'] } })).status, 200);
    await eventually(async () => updates().length > i, 10_000, `update ${i}`);
  }
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(updates().length, 4, `one event per change: ${updates().map((e) => JSON.stringify(e.data.changes)).join(' ')}`);
  for (const [i, m] of list.slice(1, 5).entries()) {
    const t0 = Date.now();
    if (i % 2) await call('DELETE', `/message/${m.id}`);
    else await call('PUT', `/message/${m.id}/move`, { path: 'Work' });
    await stream.waitFor((e) => e.event === 'messageDeleted' && e.path === 'INBOX' && e.data.id === m.id, 20_000);
    assert.ok(Date.now() - t0 < 3000, `messageDeleted after ${Date.now() - t0} ms`);
  }
});

test('regression (re-trial): an upload needs no From (a draft), sending does when the account has no address', async () => {
  const draft = await call('POST', '/message', { path: 'INBOX', subject: 'draft without a sender', text: 'still thinking' });
  assert.equal(draft.status, 200, JSON.stringify(draft.body));
  const source = await fetch(`${server.url}/v1/account/${A}/message/${draft.body.id}/source`);
  const raw = await source.text();
  assert.match(raw, /^Subject: draft without a sender\r?$/m);
  assert.doesNotMatch(raw, /^From:/m);
  const send = await call('POST', '/submit', { to: [{ address: 'x@example.org' }], subject: 'no sender', text: 'x' });
  assert.equal(send.status, 400);
  assert.equal(send.body.details[0].field, 'from');
});
