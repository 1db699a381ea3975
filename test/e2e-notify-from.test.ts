// notifyFrom and folders that appear later, end to end against Dovecot: old mail never
// produces messageNew, a folder filled right away by another client announces its mail, a
// folder renamed by another client floods nothing; `path` limits what is watched (IDLE there),
// and widening it floods nothing either.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, buildMessage, imapClient, seedSpec, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually } from './helpers/api.js';
import { openStream, type Payload, type StreamClient } from './helpers/stream.js';

const OLD = new Date('2020-03-04T05:06:07Z');
let dovecot: Dovecot;
let server: RunningServer;
let stream: StreamClient;
let login: ImapLogin;
let other: ImapFlow;

const is = (event: string, path: string, more: (e: Payload) => boolean = () => true) => (e: Payload) => e.event === event && e.path === path && more(e);
const newIn = (path: string, subject: string) => is('messageNew', path, (e) => e.data.subject === subject);

/** APPEND one message with `subject` and internal date `date` (default: now) by the other client. */
async function put(path: string, subject: string, date?: Date): Promise<void> {
  const raw = await buildMessage({ ...seedSpec(1), subject });
  await other.append(path, raw, [], date);
}

async function register(account: string, user: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await api(server.url, 'POST', '/v1/account', {
    account, name: account, ...extra,
    imap: { host: dovecot.host, port: dovecot.port, auth: { user, pass: dovecot.password }, resyncDelay: 1 },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await eventually(async () => (await api(server.url, 'GET', `/v1/account/${account}`)).body.state === 'connected', 15_000, `${account} connected`);
}

before(async () => {
  dovecot = await startDovecot();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('notify'), pass: dovecot.password };
  // mail that was there before the account: its folders' first sync announces none of it
  await appendMessages(login, 'INBOX', 2);
  await appendMessages(login, 'Projects', 2, { internalDate: OLD });
  server = await startServer();
  stream = await openStream(server.url, 'account=nf');
  other = await imapClient(login);
  await register('nf', login.user);
});
after(async () => {
  stream?.close();
  await other?.logout().catch(() => undefined);
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('the first sync announces nothing; notifyFrom defaults to when the account was added', async () => {
  await stream.waitFor((e) => e.event === 'authenticationSuccess');
  const view = (await api(server.url, 'GET', '/v1/account/nf')).body;
  assert.equal(view.notifyFrom, view.created);
  // a later INBOX message proves the first sync is over and nothing came before it
  await put('INBOX', 'marker after first sync');
  await stream.waitFor(newIn('INBOX', 'marker after first sync'), 10_000, 'marker');
  assert.deepEqual(stream.events.filter((e) => e.event === 'messageNew' && e.data.subject !== 'marker after first sync'), []);
});

test('a message with an internal date older than notifyFrom gets no messageNew; a newer one does', async () => {
  await put('INBOX', 'imported old mail', OLD);
  await put('INBOX', 'fresh mail');
  await stream.waitFor(newIn('INBOX', 'fresh mail'), 10_000, 'fresh mail');
  assert.equal(stream.events.find(newIn('INBOX', 'imported old mail')), undefined);
  // still synced as state: the list shows it
  const list = (await api(server.url, 'GET', '/v1/account/nf/messages?path=INBOX')).body.messages as { subject: string }[];
  assert.ok(list.some((m) => m.subject === 'imported old mail'));
});

test('mail written through the API follows the same rule: an upload older than notifyFrom gets no messageNew', async () => {
  // regression (new-user trial): API uploads and moves skipped the notifyFrom check
  const raw = async (subject: string) => (await buildMessage({ ...seedSpec(2), subject })).toString('base64');
  const old = await api(server.url, 'POST', '/v1/account/nf/message', { path: 'INBOX', raw: await raw('uploaded old mail'), internalDate: OLD.toISOString() });
  assert.equal(old.status, 200, JSON.stringify(old.body));
  const fresh = await api(server.url, 'POST', '/v1/account/nf/message', { path: 'INBOX', raw: await raw('uploaded fresh mail') });
  assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  await stream.waitFor(newIn('INBOX', 'uploaded fresh mail'), 10_000, 'the fresh upload');
  assert.equal(stream.events.find(newIn('INBOX', 'uploaded old mail')), undefined);
});

test('a folder created by another client with mail in it right away: mailboxNew and its messageNew', async () => {
  await other.mailboxCreate('Rules');
  await put('Rules', 'filed by a server rule');
  await put('Rules', 'old mail filed there', OLD);
  const created = await stream.waitFor(is('mailboxNew', 'Rules'), 10_000, 'mailboxNew Rules');
  assert.equal('specialUse' in created.data, false, 'an ordinary folder has no specialUse, not null');
  const announced = await stream.waitFor(newIn('Rules', 'filed by a server rule'), 10_000, 'messageNew in Rules');
  assert.ok(Number(announced.id) > Number(created.id), 'the folder comes before its mail');
  // a later message in the same folder shows the old one was passed over, not delayed
  await put('Rules', 'second rule hit');
  await stream.waitFor(newIn('Rules', 'second rule hit'), 10_000, 'second message in Rules');
  assert.equal(stream.events.find(newIn('Rules', 'old mail filed there')), undefined);
});

test('mail copied into a new folder that is older than our last look at the folder list is its starting state', async () => {
  // an early notifyFrom, so only the time of the last look at the folder list decides
  assert.equal((await api(server.url, 'PUT', '/v1/account/nf', { notifyFrom: '2021-01-01T00:00:00.000Z' })).status, 200);
  await eventually(async () => (await api(server.url, 'GET', '/v1/account/nf')).body.state === 'connected', 15_000, 'connected');
  await new Promise((r) => setTimeout(r, 2_500)); // a folder list or two with the new setting
  await other.mailboxCreate('Imported');
  await put('Imported', 'an hour old, copied from elsewhere', new Date(Date.now() - 3600_000));
  await put('Imported', 'filed just now');
  await stream.waitFor(newIn('Imported', 'filed just now'), 10_000, 'messageNew in Imported');
  assert.equal(stream.events.find(newIn('Imported', 'an hour old, copied from elsewhere')), undefined);
});

test('a folder renamed by another client floods nothing, also mail announced in it since the account was added', async () => {
  // regression (new-user trial): mail newer than notifyFrom was announced again after a rename
  await put('Projects', 'announced before the rename');
  await stream.waitFor(newIn('Projects', 'announced before the rename'), 10_000, 'messageNew in Projects');
  await other.mailboxRename('Projects', 'Projects 2026');
  await stream.waitFor(is('mailboxDeleted', 'Projects'), 10_000, 'mailboxDeleted Projects');
  await stream.waitFor(is('mailboxNew', 'Projects 2026'), 10_000, 'mailboxNew Projects 2026');
  await put('Projects 2026', 'new in the renamed folder');
  await stream.waitFor(newIn('Projects 2026', 'new in the renamed folder'), 10_000, 'new message in the renamed folder');
  const flood = stream.events.filter((e) => e.event === 'messageNew' && e.path === 'Projects 2026');
  assert.equal(flood.length, 1, JSON.stringify(flood.map((e) => e.data.subject)));
});

test('notifyFrom in the body decides; path limits the watch to one folder while reads reach every folder', async () => {
  const user = dovecot.user('watch');
  const mine = { ...login, user };
  await appendMessages(mine, 'Archive', 1);
  const watch = await openStream(server.url, 'account=watch');
  try {
    const later = new Date(Date.now() + 3600_000).toISOString();
    await register('watch', user, { path: 'INBOX', notifyFrom: later });
    const view = (await api(server.url, 'GET', '/v1/account/watch')).body;
    assert.equal(view.path, 'INBOX');
    assert.equal(view.notifyFrom, later);
    const c = await imapClient(mine);
    try {
      await c.mailboxCreate('Elsewhere');
      const raw = await buildMessage({ ...seedSpec(2), subject: 'dated in the future' });
      await c.append('INBOX', raw, [], new Date(Date.now() + 2 * 3600_000));
      await c.append('Archive', raw, [], new Date(Date.now() + 2 * 3600_000));
      await watch.waitFor(newIn('INBOX', 'dated in the future'), 10_000, 'INBOX message after notifyFrom');
      await c.append('INBOX', await buildMessage({ ...seedSpec(3), subject: 'before notifyFrom' }));
      // three sweeps of 1 s: the other folders would have been checked by now
      await new Promise((r) => setTimeout(r, 3500));
    } finally {
      await c.logout().catch(() => undefined);
    }
    assert.deepEqual(watch.events.filter((e) => e.event.startsWith('message') || e.event.startsWith('mailbox')).map((e) => `${e.event} ${e.path}`), ['messageNew INBOX']);
    const archive = await api(server.url, 'GET', '/v1/account/watch/messages?path=Archive');
    assert.equal(archive.status, 200);
    assert.equal(archive.body.messages.length, 2, 'reads work on unwatched folders');
  } finally {
    watch.close();
  }
});

test('with path set to another folder, IDLE listens there: its new mail comes at once, not at the next sweep', async () => {
  // regression (review): IDLE stayed on INBOX, so the one watched folder was only polled
  const user = dovecot.user('idle-path');
  const mine = { ...login, user };
  await appendMessages(mine, 'Work', 1);
  const watch = await openStream(server.url, 'account=idlepath');
  try {
    const res = await api(server.url, 'POST', '/v1/account', {
      account: 'idlepath', name: 'idle on Work', path: 'Work',
      imap: { host: dovecot.host, port: dovecot.port, auth: { user, pass: dovecot.password }, resyncDelay: 3600 },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await eventually(async () => (await api(server.url, 'GET', '/v1/account/idlepath')).body.state === 'connected', 15_000, 'connected');
    const client = await imapClient(mine);
    try {
      await client.append('Work', await buildMessage({ ...seedSpec(3), subject: 'pushed into Work' }));
    } finally {
      await client.logout().catch(() => undefined);
    }
    await watch.waitFor(newIn('Work', 'pushed into Work'), 5_000, 'messageNew in Work within seconds');
  } finally {
    watch.close();
  }
});

test('regression (review): path INBOX widened to every folder announces no folder and none of its mail', async () => {
  // the folders that were outside the watch are its starting state, like a first sync
  const mine = { ...login, user: dovecot.user('widen') };
  const watch = await openStream(server.url, 'account=w');
  const client = await imapClient(mine);
  const append = async (path: string, subject: string) => client.append(path, await buildMessage({ ...seedSpec(1), subject }), []);
  const connected = () => eventually(async () => (await api(server.url, 'GET', '/v1/account/w')).body.state === 'connected', 15_000, 'connected');
  try {
    await register('w', mine.user, { path: 'INBOX' });
    // mail newer than notifyFrom, in a folder that is not watched
    await client.mailboxCreate('Outside');
    await append('Outside', 'filed while unwatched');
    await append('INBOX', 'marker 1');
    await watch.waitFor((e) => e.event === 'messageNew' && e.data.subject === 'marker 1', 10_000, 'marker 1');
    await new Promise((r) => setTimeout(r, 2500)); // a few 1 s sweeps see the folder list

    assert.equal((await api(server.url, 'PUT', '/v1/account/w', { path: null })).status, 200);
    await eventually(async () => (await api(server.url, 'GET', '/v1/account/w')).body.path === undefined, 5_000, 'path removed');
    await connected();
    await append('Outside', 'new once watched');
    await watch.waitFor((e) => e.event === 'messageNew' && e.data.subject === 'new once watched', 15_000, 'the widened watch works');
    const seen = watch.events.filter((e) => e.event.startsWith('mailbox') || e.event === 'messageNew').map((e) => `${e.event} ${e.path} ${e.data.subject ?? ''}`.trim());
    assert.deepEqual(seen, ['messageNew INBOX marker 1', 'messageNew Outside new once watched']);
  } finally {
    watch.close();
    await client.logout().catch(() => undefined);
  }
});

test('regression (re-trial): a folder deleted and another created in one interval is no rename: the new one announces its mail', async () => {
  await other.mailboxCreate('Short lived');
  await stream.waitFor(is('mailboxNew', 'Short lived'), 10_000, 'mailboxNew Short lived');
  await other.mailboxDelete('Short lived');
  await other.mailboxCreate('Its successor');
  await put('Its successor', 'first in the successor');
  await stream.waitFor(newIn('Its successor', 'first in the successor'), 10_000, 'messageNew in the successor');
});

test('regression (re-trial): path naming a folder that does not exist yet: its first mail is announced once it appears', async () => {
  const mine = { ...login, user: dovecot.user('later') };
  const watch = await openStream(server.url, 'account=later');
  const client = await imapClient(mine);
  try {
    await register('later', mine.user, { path: 'Later' });
    await new Promise((r) => setTimeout(r, 1500)); // a folder list without it
    await client.mailboxCreate('Later');
    await client.append('Later', await buildMessage({ ...seedSpec(4), subject: 'later-1' }));
    await watch.waitFor(newIn('Later', 'later-1'), 10_000, 'messageNew later-1');
  } finally {
    watch.close();
    await client.logout().catch(() => undefined);
  }
});

test('a notifyFrom before the account was added: its first sync announces the mail from then on, and only that', async () => {
  const mine = { ...login, user: dovecot.user('backfill') };
  await appendMessages(mine, 'INBOX', 2);
  const client = await imapClient(mine);
  await client.append('INBOX', await buildMessage({ ...seedSpec(5), subject: 'older than notifyFrom' }), [], OLD);
  await client.logout().catch(() => undefined);
  const watch = await openStream(server.url, 'account=backfill');
  try {
    await register('backfill', mine.user, { notifyFrom: '2021-01-01T00:00:00.000Z' });
    for (const i of [0, 1]) await watch.waitFor(newIn('INBOX', seedSpec(i).subject), 10_000, `seeded message ${i}`);
    assert.equal(watch.events.find(newIn('INBOX', 'older than notifyFrom')), undefined);
    assert.equal(watch.events.filter((e) => e.event === 'mailboxNew').length, 0, 'the first sync announces no folder');
  } finally {
    watch.close();
  }
});
