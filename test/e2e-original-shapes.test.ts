// The original IMAP API's shapes, as its clients read them: folders with parentPath and an
// array path on create, list entries with flags and attachments (embedded cid images), textType
// on the message and text routes, accounts with syncTime, and the stats of the original.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

let dovecot: Dovecot;
let server: RunningServer;
let login: ImapLogin;
const A = 'shapes';
const get = (path: string) => api(server.url, 'GET', `/v1/account/${A}${path}`);
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

async function compose(mail: Mail.Options): Promise<Buffer> {
  return new MailComposer({ from: 'ann@example.com', to: 'bob@example.org', date: new Date('2024-03-01T10:00:00Z'), ...mail }).compile().build();
}

/** subject → list entry of INBOX */
async function inbox(): Promise<Map<string, any>> {
  const list = (await get('/messages?path=INBOX&pageSize=100')).body.messages;
  return new Map(list.map((m: { subject: string }) => [m.subject, m]));
}

before(async () => {
  dovecot = await startDovecot();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('shapes'), pass: dovecot.password };
  await appendMessages(login, 'INBOX', 2);
  const client = await imapClient(login);
  const html = '<p>Logo: <img src="cid:logo@shapes"></p>';
  await client.append('INBOX', await compose({ subject: 'embedded', text: 'Logo below', html, attachments: [
    { filename: 'logo.gif', content: PIXEL, cid: 'logo@shapes' },
    { filename: 'notes.txt', content: 'a file', contentType: 'text/plain' },
  ] }));
  await client.append('INBOX', await compose({ subject: 'text only', text: 'Nothing but text' }));
  await client.append('INBOX', await compose({ subject: 'flagged draft', text: 'x', inReplyTo: '<seed-0@e2e.example>' }), ['\\Flagged', '\\Draft', '\\Seen']);
  await client.append('Sent', await compose({ subject: 'sent one', text: 'sent' }), ['\\Seen']);
  await client.logout();
  server = await startServer();
  await api(server.url, 'POST', '/v1/account', exampleAccount(A, login));
  await eventually(async () => (await get('')).body.state === 'connected', 15_000, 'connected');
});
after(async () => {
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('folders: parentPath, delimiter, name, listed, subscribed; an array path creates Parent<delimiter>Child', async () => {
  const list = (await get('/mailboxes')).body.mailboxes;
  const top = list.find((m: { path: string }) => m.path === 'INBOX');
  assert.equal(top.parentPath, '');
  assert.equal(top.name, 'INBOX');
  assert.equal(typeof top.delimiter, 'string');
  assert.equal(top.listed, true);
  assert.equal(typeof top.subscribed, 'boolean');
  const plain = list.find((m: { specialUse?: string }) => !m.specialUse);
  assert.ok(!plain || !('specialUse' in plain), 'no specialUse key on an ordinary folder');
  for (const m of list) assert.ok(m.specialUse !== null && m.delimiter !== null && m.parentPath !== null, `no nulls in ${m.path}`);

  const created = await api(server.url, 'POST', `/v1/account/${A}/mailbox`, { path: ['Parent', 'Child'] });
  assert.equal(created.status, 200);
  const d = top.delimiter as string;
  assert.deepEqual(created.body, { path: `Parent${d}Child`, mailboxId: created.body.mailboxId, created: true });
  assert.equal(typeof created.body.mailboxId, 'string');
  const after = (await get('/mailboxes')).body.mailboxes;
  const child = after.find((m: { path: string }) => m.path === `Parent${d}Child`);
  assert.equal(child.parentPath, 'Parent');
  assert.equal(child.name, 'Child');
  assert.equal(String(child.mailboxId), created.body.mailboxId);
  const bad = await api(server.url, 'POST', `/v1/account/${A}/mailbox`, { path: [] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.details[0].field, 'path');
});

test('list entries: unseen/flagged/draft, attachments always, inReplyTo, messageSpecialUse', async () => {
  const byName = await inbox();
  for (const m of byName.values()) {
    for (const key of ['unseen', 'flagged', 'draft']) assert.equal(typeof m[key], 'boolean', `${key} of ${m.subject}`);
    assert.ok(Array.isArray(m.attachments), `attachments of ${m.subject}`);
    assert.equal(m.messageSpecialUse, '\\Inbox');
  }
  const fd = byName.get('flagged draft');
  assert.deepEqual({ unseen: fd.unseen, flagged: fd.flagged, draft: fd.draft, inReplyTo: fd.inReplyTo }, { unseen: false, flagged: true, draft: true, inReplyTo: '<seed-0@e2e.example>' });
  const to = byName.get('text only');
  assert.deepEqual({ unseen: to.unseen, flagged: to.flagged, draft: to.draft, attachments: to.attachments }, { unseen: true, flagged: false, draft: false, attachments: [] });
  assert.ok(!('inReplyTo' in to) && !('labels' in to), 'no inReplyTo without one, no labels without Gmail');
  const sent = (await get('/messages?path=Sent')).body.messages;
  assert.equal(sent[0].messageSpecialUse, '\\Sent');
  const searched = (await api(server.url, 'POST', `/v1/account/${A}/search?path=INBOX`, { search: { flagged: true } })).body.messages;
  assert.deepEqual(searched.map((m: { subject: string; messageSpecialUse: string }) => [m.subject, m.messageSpecialUse]), [['flagged draft', '\\Inbox']]);
});

test('messageNew carries the same entry fields', async () => {
  const client = await imapClient(login);
  await client.append('INBOX', await compose({ subject: 'arrives later', text: 'new' }), ['\\Flagged']);
  await client.logout();
  const event = await eventually(async () => {
    const events = (await api(server.url, 'GET', `/v1/events?account=${A}`)).body.events;
    return events.find((e: { event: string; data: { subject: string } }) => e.event === 'messageNew' && e.data.subject === 'arrives later');
  }, 15_000, 'messageNew');
  assert.deepEqual(
    { unseen: event.data.unseen, flagged: event.data.flagged, draft: event.data.draft, attachments: event.data.attachments, messageSpecialUse: event.data.messageSpecialUse },
    { unseen: true, flagged: true, draft: false, attachments: [], messageSpecialUse: '\\Inbox' },
  );
});

test('an inline image referenced by cid: is embedded, with its contentId; a plain file is not', async () => {
  const m = (await inbox()).get('embedded');
  const logo = m.attachments.find((a: { filename: string }) => a.filename === 'logo.gif');
  const notes = m.attachments.find((a: { filename: string }) => a.filename === 'notes.txt');
  assert.deepEqual({ embedded: logo.embedded, inline: logo.inline, contentId: logo.contentId }, { embedded: true, inline: true, contentId: '<logo@shapes>' });
  assert.equal(notes.embedded, false);
  assert.ok(!('contentId' in notes));
  const one = (await get(`/message/${m.id}`)).body;
  assert.deepEqual(one.attachments, m.attachments, 'the message route has the same attachments');
  const bytes = await fetch(`${server.url}/v1/account/${A}/attachment/${logo.id}`);
  assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), PIXEL);
});

test('textType: plain, html or both on the message and text routes; missing kinds are absent, not null', async () => {
  const m = (await inbox()).get('embedded');
  const text = async (q: string) => (await get(`/message/${m.id}${q}`)).body.text;
  const both = await text('');
  assert.equal(both.plain.trim(), 'Logo below');
  assert.match(both.html, /cid:logo@shapes/);
  assert.deepEqual(await text('?textType=*'), both);
  const plain = await text('?textType=plain');
  assert.equal(plain.plain, both.plain);
  assert.ok(!('html' in plain), 'no html key for textType=plain');
  const html = await text('?textType=html');
  assert.equal(html.html, both.html);
  assert.ok(!('plain' in html), 'no plain key for textType=html');
  assert.equal((await text('?textType=PLAIN')).plain, both.plain, 'case as in the original');

  const route = async (q: string) => (await get(`/text/${m.text.id}${q}`)).body;
  assert.deepEqual(await route(''), { plain: both.plain, html: both.html, hasMore: false });
  assert.deepEqual(await route('?textType=plain'), { plain: both.plain, hasMore: false });
  assert.deepEqual(await route('?textType=html&maxBytes=1000'), { html: both.html, hasMore: false });
  const bad = await get(`/text/${m.text.id}?textType=rtf`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.details[0].field, 'textType');

  const only = (await inbox()).get('text only');
  const body = (await get(`/message/${only.id}`)).body.text;
  assert.equal(body.plain.trim(), 'Nothing but text');
  assert.ok(!('html' in body), 'a text-only message has no html key');
  assert.ok(!('html' in (await get(`/text/${only.text.id}`)).body));
});

test('accounts carry syncTime and no lastError while connected', async () => {
  const list = (await api(server.url, 'GET', '/v1/accounts')).body;
  const entry = list.accounts.find((a: { account: string }) => a.account === A);
  assert.equal(entry.state, 'connected');
  assert.ok(!('lastError' in entry));
  assert.ok(Date.now() - Date.parse(entry.syncTime) < 60_000, `syncTime ${entry.syncTime}`);
  const view = (await get('')).body;
  assert.ok(!('lastError' in view) && !Number.isNaN(Date.parse(view.syncTime)));
});

test('stats as the original: accounts a number, connections by state, and ours beside', async () => {
  const stats = (await api(server.url, 'GET', '/v1/stats?seconds=60')).body;
  assert.equal(stats.accounts, 1);
  assert.ok(stats.connections.connected >= 1);
  for (const s of ['init', 'connecting', 'authenticationError', 'connectError', 'unset', 'disconnected']) assert.equal(stats.connections[s], 0, s);
  assert.deepEqual(stats.counters, {});
  assert.equal(typeof stats.license, 'string');
  assert.ok(Array.isArray(stats.shards) && typeof stats.uptime === 'number');
  assert.equal((await api(server.url, 'GET', '/v1/stats?seconds=-1')).status, 400);
});
