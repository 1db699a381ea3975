// Size end to end: a 10,000-message folder pages newest first with exact totals and ids, and
// a 50 MB attachment streams through without being held in memory.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodeMessageId } from '../src/ids.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { fillMaildir, writeMaildir } from './helpers/maildir.js';
import { buildMessage, bulkSubject, seedSpec, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

const TOTAL = 10_000;
let dovecot: Dovecot;
let server: RunningServer;
let login: ImapLogin;
let byUid: Map<number, number>;
let folderId: number;
const get = (path: string) => api(server.url, 'GET', path);
type Entry = { id: string; uid: number; subject: string };

before(async () => {
  dovecot = await startDovecot();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('big'), pass: dovecot.password };
  byUid = await fillMaildir(dovecot, login, 'Big', TOTAL);
  server = await startServer();
  await api(server.url, 'POST', '/v1/account', exampleAccount('big', login));
  await eventually(async () => (await get('/v1/account/big')).body.state === 'connected');
  folderId = (await get('/v1/account/big/mailboxes')).body.mailboxes.find((m: { path: string }) => m.path === 'Big').mailboxId;
});
after(async () => {
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

const uidsDesc = [...Array(TOTAL).keys()].map((i) => TOTAL - i);

test('page 0 is the 20 highest UIDs, newest first; the last page the lowest', async () => {
  const first = (await get('/v1/account/big/messages?path=Big')).body;
  assert.deepEqual({ total: first.total, page: first.page, pages: first.pages }, { total: TOTAL, page: 0, pages: 500 });
  assert.deepEqual(first.messages.map((m: Entry) => m.uid), uidsDesc.slice(0, 20));
  const last = (await get('/v1/account/big/messages?path=Big&page=499')).body;
  assert.deepEqual(last.messages.map((m: Entry) => m.uid), uidsDesc.slice(-20));
  const odd = (await get('/v1/account/big/messages?path=Big&page=3&pageSize=7')).body;
  assert.deepEqual(odd.messages.map((m: Entry) => m.uid), uidsDesc.slice(21, 28));
  assert.equal(odd.pages, Math.ceil(TOTAL / 7));
});

test('walking every page returns each message once, in order, with ids of this folder and UID', async () => {
  const seen: number[] = [];
  for (let page = 0; page < 10; page++) {
    const body = (await get(`/v1/account/big/messages?path=Big&page=${page}&pageSize=1000`)).body;
    for (const m of body.messages as Entry[]) {
      assert.deepEqual(decodeMessageId(m.id), { mailbox: folderId, uid: m.uid });
      assert.equal(m.subject, bulkSubject(byUid.get(m.uid)!), `subject of uid ${m.uid}`);
      seen.push(m.uid);
    }
  }
  assert.deepEqual(seen, uidsDesc);
});

test('search pages newest first over the whole folder', async () => {
  const res = await api(server.url, 'POST', '/v1/account/big/search?path=Big&pageSize=50', { search: { subject: 'München' } });
  const expected = uidsDesc.filter((uid) => bulkSubject(byUid.get(uid)!).includes('München'));
  assert.equal(res.body.total, expected.length);
  assert.deepEqual(res.body.messages.map((m: Entry) => m.uid), expected.slice(0, 50));
  const uidRange = await api(server.url, 'POST', '/v1/account/big/search?path=Big', { search: { uid: '100:110', seen: false } });
  assert.deepEqual(uidRange.body.messages.map((m: Entry) => m.uid), [110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100, 99, 98, 97, 96, 95, 94, 93, 92, 91].filter((u) => u >= 100));
  const unsupported = await api(server.url, 'POST', '/v1/account/big/search?path=Big', { search: { fuzzy: 'x' } });
  assert.equal(unsupported.status, 400);
  assert.equal(unsupported.body.details[0].field, 'search.fuzzy');
  assert.equal((await api(server.url, 'POST', '/v1/account/big/search?path=Big', { search: { since: 'yesterday' } })).status, 400);
});

async function memory(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

test('a 50 MB attachment streams byte-exact without being held in memory, also to a slow reader', async () => {
  const content = Buffer.alloc(50 * 1024 * 1024);
  for (let i = 0; i < content.length; i += 4) content.writeUInt32LE((i * 2654435761) >>> 0, i);
  const spec = { ...seedSpec(1), attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', content }] };
  const raw = await buildMessage(spec);
  await writeMaildir(dovecot, login, 'Huge', 1, () => raw);
  const m = (await get('/v1/account/big/messages?path=Huge')).body.messages[0];
  assert.equal(m.attachments[0].filename, 'big.bin');

  const res = await fetch(`${server.url}/v1/account/big/attachment/${m.attachments[0].id}`);
  const reader = res.body!.getReader();
  const hash = createHash('sha256');
  let received = 0;
  let paused = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    received += value.length;
    if (!paused && received > 5 * 1024 * 1024) {
      // A slow client: with flow control the shard stops pulling from IMAP and memory stays
      // flat; without it the server would keep reading the other 45 MB (~67 MB of base64)
      // while we wait. (Absolute RSS says little: freed chunks linger until a GC.)
      paused = true;
      // first let the socket buffers between us fill up, which they do whatever the server does
      await new Promise((r) => setTimeout(r, 500));
      const samples: number[] = [];
      for (let i = 0; i < 8; i++) {
        samples.push((await memory(server.pid)).rss);
        await new Promise((r) => setTimeout(r, 200));
      }
      const growth = Math.max(...samples) - samples[0]!;
      assert.ok(growth < 12 * 1024 * 1024, `RSS kept growing while the reader paused: ${samples.map((b) => b >> 20).join(', ')} MB`);
    }
  }
  assert.equal(received, content.length);
  assert.equal(hash.digest('hex'), createHash('sha256').update(content).digest('hex'));

  const source = await fetch(`${server.url}/v1/account/big/message/${m.id}/source`);
  const sourceHash = createHash('sha256');
  for await (const chunk of source.body!) sourceHash.update(chunk);
  assert.equal(sourceHash.digest('hex'), createHash('sha256').update(raw).digest('hex'));
});
