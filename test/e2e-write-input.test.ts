// Bad input to the write API gets a 4xx naming the field and changes nothing in the mailbox;
// a GET never writes; a write whose deadline passed while it waited for its IMAP turn is not
// carried out (a 504 means "not done").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { ImapFlow } from 'imapflow';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

let dovecot: Dovecot;
let server: RunningServer;
let login: ImapLogin;
let imap: ImapFlow;
const A = 'careful';
const call = (method: string, path: string, body?: unknown) => api(server.url, method, `/v1/account/${A}${path}`, body);

/** Every message of INBOX and Work with its flags, as a second client sees them. */
async function snapshot(): Promise<string> {
  const out: string[] = [];
  for (const path of ['INBOX', 'Work', 'Trash']) {
    const lock = await imap.getMailboxLock(path, { readOnly: true });
    try {
      await imap.noop();
      for await (const m of imap.fetch('1:*', { uid: true, flags: true })) out.push(`${path}/${m.uid}:${[...(m.flags ?? [])].sort().join(' ')}`);
    } catch { /* an empty folder has no 1:* */ } finally {
      lock.release();
    }
  }
  return out.join('\n');
}

before(async () => {
  dovecot = await startDovecot();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('input'), pass: dovecot.password };
  await appendMessages(login, 'INBOX', 4);
  await appendMessages(login, 'Work', 2, { start: 50 });
  // one big message: its download holds the API connection while the client does not read
  const big = Buffer.concat([Buffer.from('From: a@example.com\r\nSubject: big\r\n\r\n'), Buffer.alloc(24 << 20, 'x\r\n'.repeat(1000))]);
  const c = await imapClient(login);
  await c.append('Work', big);
  await c.logout();
  imap = await imapClient(login);
  server = await startServer({ args: ['--max-message-size', '4096', '--request-timeout', '1500'] });
  await api(server.url, 'POST', '/v1/account', exampleAccount(A, login));
  await eventually(async () => (await call('GET', '')).body.state === 'connected', 15_000, 'connected');
});
after(async () => {
  await imap?.logout().catch(() => undefined);
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

async function ids(path: string): Promise<{ id: string; uid: number; subject: string }[]> {
  return (await call('GET', `/messages?path=${path}&pageSize=100`)).body.messages;
}

test('bad input: 4xx naming the field, and the mailbox unchanged', async () => {
  const before = await snapshot();
  const [m] = await ids('INBOX');
  const [w] = await ids('Work');
  const cases: [string, string, unknown, number, string | RegExp][] = [
    ['PUT', `/message/${m!.id}`, { flags: { add: ['bad flag'] } }, 400, 'flags.add.0'],
    ['PUT', `/message/${m!.id}`, { flags: { add: ['\\Seen\r\nA1 LOGOUT'] } }, 400, 'flags.add.0'],
    ['PUT', `/message/${m!.id}`, { flags: { set: ['\\Recent'] } }, 400, 'flags.set.0'],
    ['PUT', `/message/${m!.id}`, { flags: { add: '\\Seen' } }, 400, 'flags.add'],
    ['PUT', `/message/${m!.id}`, { flags: {} }, 400, 'flags'],
    ['PUT', `/message/${m!.id}`, { flags: { add: ['\\Seen'] }, labels: { add: ['a\r\nb'] } }, 400, 'labels.add.0'],
    ['PUT', `/message/${m!.id}`, { labels: {} }, 400, 'labels'],
    ['PUT', '/message/AAAAAQAAAeEA', { flags: { add: ['\\Seen'] } }, 400, 'message'],
    ['PUT', `/message/${m!.id}/move`, { path: 'No such folder' }, 404, 'MailboxNotFound'],
    ['PUT', `/message/${m!.id}/move`, { path: 'INBOX' }, 400, 'path'],
    ['PUT', `/message/${m!.id}/move`, { path: 'Work\r\nX' }, 400, 'path'],
    ['PUT', `/message/${m!.id}/move`, {}, 400, 'path'],
    ['DELETE', `/message/${m!.id}?force=maybe`, undefined, 400, 'force'],
    ['PUT', '/messages?path=INBOX', { messages: [w!.id], flags: { add: ['\\Seen'] } }, 400, 'messages.0'],
    ['PUT', '/messages?path=INBOX', { messages: [m!.id], search: { seen: false }, flags: { add: ['\\Seen'] } }, 400, 'messages'],
    ['PUT', '/messages?path=INBOX', { flags: { add: ['\\Seen'] } }, 400, 'messages'],
    ['PUT', '/messages?path=INBOX', { messages: ['!!'], flags: { add: ['\\Seen'] } }, 400, 'messages.0'],
    ['PUT', '/messages?path=INBOX', { search: { nope: 1 }, flags: { add: ['\\Seen'] } }, 400, 'search.nope'],
    ['PUT', '/messages/move?path=INBOX', { search: { seen: false }, destination: 'INBOX' }, 400, 'destination'],
    ['PUT', '/messages/move?path=INBOX', { search: { seen: false }, destination: 'Missing' }, 404, 'MailboxNotFound'],
    ['PUT', '/messages/delete', { search: { seen: false } }, 400, 'path'],
    ['POST', '/message', { path: 'INBOX', raw: Buffer.from('not a message at all').toString('base64') }, 400, 'raw'],
    ['POST', '/message', { path: 'INBOX', raw: '***' }, 400, 'raw'],
    ['POST', '/message', { path: 'INBOX', raw: Buffer.alloc(5000, 'Subject: x\r\n').toString('base64') }, 413, 'PayloadTooLarge'],
    ['POST', '/message', { path: 'Nowhere', raw: Buffer.from('Subject: x\r\n\r\nhi').toString('base64') }, 404, 'MailboxNotFound'],
    ['POST', '/message', { path: 'INBOX', raw: Buffer.from('Subject: x\r\n\r\nhi').toString('base64'), flags: ['a b'] }, 400, 'flags.0'],
  ];
  for (const [method, path, body, status, where] of cases) {
    const res = await call(method, path, body);
    const what = `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
    assert.equal(res.status, status, what);
    if (status === 400) assert.ok((res.body.details as { field: string }[]).some((d) => d.field === where), what);
    else assert.ok(res.body.code === where || JSON.stringify(res.body).includes(String(where)), what);
    assert.equal(typeof res.body.message, 'string');
  }
  // ids of messages that are gone, and of folders that never were
  const gone = Buffer.from(m!.id, 'base64url');
  gone.writeUInt32BE(99_999, 4);
  for (const res of [
    await call('PUT', `/message/${gone.toString('base64url')}`, { flags: { add: ['\\Seen'] } }),
    await call('PUT', `/message/${gone.toString('base64url')}/move`, { path: 'Work' }),
    await call('DELETE', `/message/${gone.toString('base64url')}`),
    await call('PUT', '/message/AAAAMAAAAAE', { flags: { add: ['\\Seen'] } }),
  ]) {
    assert.equal(res.status, 404, JSON.stringify(res.body));
    assert.equal(res.body.code, 'MessageNotFound');
  }
  assert.equal(await snapshot(), before, 'nothing in the mailbox changed');
});

test('a GET never writes: listing folders that do not exist allocates no folder ids', async () => {
  const ids0 = (await call('GET', '/mailboxes')).body.mailboxes.map((f: { mailboxId: number }) => f.mailboxId);
  for (const name of ['Nope1', 'Nope2', 'Nope3']) {
    assert.equal((await call('GET', `/messages?path=${name}`)).status, 404);
    assert.equal((await call('POST', `/search?path=${name}`, { search: { seen: true } })).status, 404);
  }
  const created = await call('POST', '/mailbox', { path: 'Real' });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.equal(created.body.mailboxId, String(Math.max(...ids0) + 1), 'the next id is the next free one: no id was spent on missing folders');
});

test('a write that waited past its deadline for the connection is not carried out', async () => {
  const big = (await ids('Work')).find((m) => m.subject === 'big')!;
  const [target] = await ids('INBOX');
  // a client that asks for 24 MB and never reads: the download holds the account's API turn
  const sock = net.connect(server.port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.write(`GET /v1/account/${A}/message/${big.id}/source HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  sock.pause();
  await new Promise((r) => setTimeout(r, 500));
  const res = await call('PUT', `/message/${target!.id}`, { flags: { add: ['\\Flagged'] } });
  assert.equal(res.status, 504, JSON.stringify(res.body));
  sock.destroy();
  // the queued STORE now reaches its turn, after its deadline: it must be dropped
  await eventually(async () => (await call('GET', '/mailboxes')).status === 200, 5000, 'API connection free again');
  const lock = await imap.getMailboxLock('INBOX', { readOnly: true });
  try {
    await imap.noop();
    const msg = await imap.fetchOne(String(target!.uid), { flags: true }, { uid: true });
    assert.ok(msg && !msg.flags?.has('\\Flagged'), 'the flag was not stored after the 504');
  } finally {
    lock.release();
  }
});
