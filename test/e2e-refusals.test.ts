// The client's mistakes are 4xx in our words, not 502 (issue 16): folder names the IMAP server
// refuses, folders that exist or do not, INBOX; CR/LF/NUL in paths, search terms and header
// fields are a 400 naming the field. Each answer leaves the account's folders as they were.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

let dovecot: Dovecot;
let server: RunningServer;
let login: ImapLogin;
let imap: ImapFlow;
const A = 'refusals';
const call = (method: string, path: string, body?: unknown) => api(server.url, method, `/v1/account/${A}${path}`, body);
const raw = Buffer.from('From: a@example.com\r\nSubject: up\r\n\r\nhello\r\n').toString('base64');

/** Every folder with its message count, as a second IMAP client sees them. */
async function folders(): Promise<string> {
  const list = await imap.list({ statusQuery: { messages: true } });
  return list.map((m) => `${m.path}:${m.status?.messages ?? '-'}`).sort().join('\n');
}

before(async () => {
  dovecot = await startDovecot();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('refusals'), pass: dovecot.password };
  await appendMessages(login, 'INBOX', 2);
  await appendMessages(login, 'Work', 1, { start: 10 });
  await appendMessages(login, 'Work.Deep', 1, { start: 20 });
  await appendMessages(login, 'Other', 1, { start: 30 });
  imap = await imapClient(login);
  server = await startServer();
  await api(server.url, 'POST', '/v1/account', exampleAccount(A, login));
  await eventually(async () => (await call('GET', '')).body.state === 'connected', 15_000, 'connected');
});
after(async () => {
  await imap?.logout().catch(() => undefined);
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

type Case = [method: string, path: string, body: unknown, status: number, field: string, message?: RegExp];

async function expectAll(cases: Case[]): Promise<void> {
  for (const [method, path, body, status, field, message] of cases) {
    const res = await call(method, path, body);
    const what = `${method} ${path} ${JSON.stringify(body)?.slice(0, 100)} → ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`;
    assert.equal(res.status, status, what);
    if (status === 400) assert.ok((res.body.details as { field: string }[]).some((d) => d.field === field), what);
    else assert.equal(res.body.code, field, what);
    if (message) assert.match(res.body.message, message, what);
  }
}

test('folder names the server refuses → 400 naming the field, with the server\'s words after ours', async () => {
  const before = await folders();
  const res = await call('POST', '/mailbox', { path: 'a/b' });
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 'ValidationError');
  assert.equal(res.body.details[0].field, 'path');
  assert.match(res.body.details[0].reason, /^is not a folder name this server accepts \(the server said: .*'\/'/);
  assert.doesNotMatch(res.body.details[0].reason, /secs\)/, 'no Dovecot timing in the text');
  await expectAll([
    ['POST', '/mailbox', { path: '.hidden' }, 400, 'path'],
    ['POST', '/mailbox', { path: 'a..b' }, 400, 'path'],
    ['POST', '/mailbox', { path: '~home' }, 400, 'path'],
    ['POST', '/mailbox', { path: 'x'.repeat(300) }, 400, 'path'],
    ['POST', '/mailbox', { path: ['Work', 'a/b'] }, 400, 'path'],
    ['PUT', '/mailbox', { path: 'Other', newPath: 'a/b' }, 400, 'newPath'],
    ['PUT', '/mailbox', { path: 'Work', newPath: 'Work.Deep.Under' }, 400, 'newPath'],
    ['PUT', '/mailbox', { path: 'INBOX', newPath: 'Old' }, 400, 'path'],
    ['DELETE', '/mailbox?path=INBOX', undefined, 400, 'path', /INBOX cannot be deleted/],
    ['DELETE', '/mailbox?path=inbox', undefined, 400, 'path'],
  ]);
  assert.equal(await folders(), before, 'no folder changed');
});

test('renaming onto a folder that exists → 409, folders that do not → 404, both naming the folder', async () => {
  const before = await folders();
  // creating one that exists is no error in the original IMAP API: created false, as imapflow says
  for (const path of ['Work', ['Work', 'Deep'], 'INBOX']) {
    const res = await call('POST', '/mailbox', { path });
    assert.deepEqual({ status: res.status, created: res.body.created }, { status: 200, created: false }, JSON.stringify(path));
  }
  await expectAll([
    ['PUT', '/mailbox', { path: 'Other', newPath: 'Work' }, 409, 'Conflict', /Folder "Work" already exists/],
    ['PUT', '/mailbox', { path: 'Nowhere', newPath: 'Somewhere' }, 404, 'MailboxNotFound', /Nowhere/],
    ['DELETE', '/mailbox?path=Nowhere', undefined, 404, 'MailboxNotFound', /Nowhere/],
    ['POST', '/message', { path: 'Nowhere', raw }, 404, 'MailboxNotFound', /Nowhere/],
    ['GET', '/messages?path=Nowhere', undefined, 404, 'MailboxNotFound'],
    ['POST', '/search?path=Nowhere', { search: { seen: true } }, 404, 'MailboxNotFound'],
    ['PUT', '/messages/move?path=INBOX', { search: { seen: false }, destination: 'Nowhere' }, 404, 'MailboxNotFound', /Nowhere/],
  ]);
  const [m] = (await call('GET', '/messages?path=INBOX')).body.messages;
  await expectAll([['PUT', `/message/${m.id}/move`, { path: 'Nowhere' }, 404, 'MailboxNotFound', /Nowhere/]]);
  assert.equal(await folders(), before, 'no folder changed');
});

test('CR, LF and NUL in paths, search terms and header fields → 400 naming the field', async () => {
  const before = await folders();
  const [m] = (await call('GET', '/messages?path=INBOX')).body.messages;
  const cases: Case[] = [];
  for (const bad of ['\r', '\n', '\0', 'x\r\nA1 LOGOUT']) {
    const q = encodeURIComponent(`INBOX${bad}`);
    cases.push(
      ['GET', `/messages?path=${q}`, undefined, 400, 'path'],
      ['DELETE', `/mailbox?path=${q}`, undefined, 400, 'path'],
      ['POST', '/mailbox', { path: `New${bad}` }, 400, 'path'],
      ['POST', '/mailbox', { path: ['New', `Child${bad}`] }, 400, 'path.1'],
      ['PUT', '/mailbox', { path: 'Other', newPath: `Other${bad}` }, 400, 'newPath'],
      ['PUT', `/message/${m.id}/move`, { path: `Work${bad}` }, 400, 'path'],
      ['POST', `/search?path=${q}`, { search: { seen: true } }, 400, 'path'],
      ['POST', '/search?path=INBOX', { search: { subject: `a${bad}b` } }, 400, 'search.subject'],
      ['POST', '/search?path=INBOX', { search: { body: `a${bad}` } }, 400, 'search.body'],
      ['POST', '/search?path=INBOX', { search: { header: { 'X-Test': `v${bad}` } } }, 400, 'search.header.X-Test'],
      ['POST', '/search?path=INBOX', { search: { or: [{ from: `a${bad}` }, { to: 'b' }] } }, 400, 'search.or.0.from'],
      ['POST', '/search?path=INBOX', { search: { not: { cc: `${bad}` } } }, 400, 'search.not.cc'],
      ['PUT', '/messages?path=INBOX', { search: { subject: `x${bad}` }, flags: { add: ['\\Seen'] } }, 400, 'search.subject'],
      ['POST', '/message', { path: 'INBOX', subject: `Hi${bad}Bcc: x@example.com`, text: 'x' }, 400, 'subject'],
      ['POST', '/message', { path: 'INBOX', from: { name: `A${bad}B`, address: 'a@example.com' }, text: 'x' }, 400, 'from.name'],
      ['POST', '/message', { path: 'INBOX', to: [{ address: `a@example.com${bad}` }], text: 'x' }, 400, 'to.0.address'],
      ['POST', '/message', { path: 'INBOX', headers: { 'X-Custom': `v${bad}Bcc: x@example.com` }, text: 'x' }, 400, 'headers.X-Custom'],
      ['POST', '/message', { path: `INBOX${bad}`, raw }, 400, 'path'],
      ['POST', '/submit', { to: [{ address: 'b@example.com' }], subject: `Hi${bad}x`, text: 'x' }, 400, 'subject'],
      ['POST', '/submit', { to: [{ name: `B${bad}`, address: 'b@example.com' }], text: 'x' }, 400, 'to.0.name'],
      ['POST', '/submit', { to: [{ address: 'b@example.com' }], headers: { 'X-A': `1${bad}2` }, text: 'x' }, 400, 'headers.X-A'],
    );
  }
  await expectAll(cases);
  // the reason says what is wrong in words, not as a regular expression
  const res = await call('GET', `/messages?path=${encodeURIComponent('IN\r\nBOX')}`);
  assert.match(res.body.details[0].reason, /CR, LF or NUL/);
  const term = await call('POST', '/search?path=INBOX', { search: { subject: 'a\nb' } });
  assert.match(term.body.details[0].reason, /CR, LF or NUL/);
  assert.equal(await folders(), before, 'no folder changed and no message stored');
});

test('IMAP-special characters in names are sent quoted: a folder named with them round-trips', async () => {
  const name = 'Odd "quoted" \\ * % {5}';
  const created = await call('POST', '/mailbox', { path: name });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.ok((await imap.list()).some((m) => m.path === name), 'the server has the exact name');
  assert.equal((await call('GET', `/messages?path=${encodeURIComponent(name)}`)).body.total, 0);
  assert.equal((await call('POST', `/search?path=INBOX`, { search: { subject: '"} {5} \\ *' } })).status, 200);
  assert.deepEqual((await call('DELETE', `/mailbox?path=${encodeURIComponent(name)}`)).body, { path: name, deleted: true });
});
