// Search end to end with the original IMAP API's criteria (unseen, seq, modseq, header, …)
// and ours (or, not), against Dovecot; bad criteria are a 400 naming the field.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

const COUNT = 8;
const SEEN = new Set([1, 2, 5]); // seed indexes appended with \Seen
let dovecot: Dovecot;
let plainDovecot: Dovecot;
let server: RunningServer;
let login: ImapLogin;
let uids: number[] = []; // uid of seed index i
let objectId = false;

/** The UIDs a search finds in INBOX, ascending (or the error answer). */
async function search(criteria: unknown, account = 'finder'): Promise<number[]> {
  const res = await api(server.url, 'POST', `/v1/account/${account}/search?path=INBOX&pageSize=100`, { search: criteria });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.messages.map((m: { uid: number }) => m.uid).sort((a: number, b: number) => a - b);
}
const refused = async (criteria: unknown) => api(server.url, 'POST', '/v1/account/finder/search?path=INBOX', { search: criteria });
const indexes = (found: number[]) => found.map((uid) => uids.indexOf(uid));

before(async () => {
  dovecot = await startDovecot();
  plainDovecot = await startDovecot({ capability: 'IMAP4rev1 LITERAL+ NAMESPACE UIDPLUS' });
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('search'), pass: dovecot.password };
  for (let i = 0; i < COUNT; i++) {
    const [m] = await appendMessages(login, 'INBOX', 1, { start: i, flags: SEEN.has(i) ? ['\\Seen'] : [] });
    uids.push(m!.uid);
  }
  const client = await imapClient(login);
  objectId = client.capabilities.has('OBJECTID');
  await client.logout();
  const plainLogin = { host: plainDovecot.host, port: plainDovecot.port, user: plainDovecot.user('plain'), pass: plainDovecot.password };
  await appendMessages(plainLogin, 'INBOX', 2);
  server = await startServer();
  await api(server.url, 'POST', '/v1/account', exampleAccount('finder', login));
  await api(server.url, 'POST', '/v1/account', exampleAccount('plain', plainLogin));
  for (const id of ['finder', 'plain']) await eventually(async () => (await api(server.url, 'GET', `/v1/account/${id}`)).body.state === 'connected', 15_000, id);
});
after(async () => {
  await server?.stop();
  await dovecot?.close();
  await plainDovecot?.close();
  if (server) await removeDir(server.dataDir);
});

test('unseen and seen, as the original names them', async () => {
  const unseen = [...Array(COUNT).keys()].filter((i) => !SEEN.has(i));
  assert.deepEqual(indexes(await search({ unseen: true })), unseen);
  assert.deepEqual(indexes(await search({ unseen: false })), [...SEEN]);
  assert.deepEqual(indexes(await search({ seen: false })), unseen);
});

test('seq: sequence numbers of the folder', async () => {
  assert.deepEqual(indexes(await search({ seq: '1:2' })), [0, 1]);
  assert.deepEqual(indexes(await search({ seq: '*' })), [COUNT - 1]);
  assert.deepEqual(indexes(await search({ seq: '2,4:5' })), [1, 3, 4]);
});

test('or of several criteria, not, and a combination', async () => {
  const ids = (i: number) => ({ header: { 'message-id': `<seed-${i}@e2e.example>` } });
  assert.deepEqual(indexes(await search(ids(3))), [3], 'header');
  assert.deepEqual(indexes(await search({ or: [ids(0), ids(4), ids(6)] })), [0, 4, 6]);
  assert.deepEqual(indexes(await search({ not: { seen: true } })), indexes(await search({ unseen: true })));
  // unseen AND (0 or 1 or 2 or 6) AND NOT 6 → 0
  assert.deepEqual(indexes(await search({ unseen: true, or: [ids(0), ids(1), ids(2), ids(6)], not: ids(6) })), [0]);
  assert.deepEqual(indexes(await search({ not: { or: [{ seen: true }, ids(0)] } })), [3, 4, 6, 7]);
  assert.deepEqual(indexes(await search({ header: { 'Message-ID': true }, seq: '1' })), [0], 'header presence');
});

test('modseq: messages changed after a mod-sequence (CONDSTORE)', async () => {
  const client = await imapClient(login);
  const before = (await client.mailboxOpen('INBOX')).highestModseq;
  assert.ok(before, 'Dovecot offers CONDSTORE');
  await client.messageFlagsAdd(String(uids[6]), ['\\Flagged'], { uid: true });
  await client.logout();
  assert.deepEqual(indexes(await search({ modseq: Number(before) })), [6]);
  assert.deepEqual(indexes(await search({ modseq: Number(before), flagged: true })), [6]);
  assert.equal((await search({ modseq: Number(before) + 1000 })).length, 0);
});

test('criteria the server cannot search for are a 400 naming the field, not a wider search', async () => {
  const noCondstore = await api(server.url, 'POST', '/v1/account/plain/search?path=INBOX', { search: { or: [{ seen: true }, { modseq: 1 }] } });
  assert.equal(noCondstore.status, 400);
  assert.equal(noCondstore.body.details[0].field, 'search.or.1.modseq');
  assert.match(noCondstore.body.details[0].reason, /CONDSTORE/);
});

test('emailId and threadId: a server without message ids has no message with one', async () => {
  if (objectId) return assert.equal((await search({ emailId: 'no-such-id' })).length, 0);
  assert.deepEqual(await search({ emailId: '1694937972638499881' }), []);
  assert.deepEqual(await search({ threadId: '1694936993596975454', seen: true }), []);
  assert.deepEqual(indexes(await search({ not: { threadId: 'x' }, seq: '1:3' })), [0, 1, 2]);
  assert.deepEqual(indexes(await search({ or: [{ emailId: 'x' }, { seq: '2' }] })), [1]);
});

test('bad criteria: unknown key, or with one item, nesting too deep → 400 with the field', async () => {
  const cases: [unknown, string, RegExp][] = [
    [{ fuzzy: 'x' }, 'search.fuzzy', /unknown field/],
    [{ or: [{ seen: true }, { nope: 1 }] }, 'search.or.1.nope', /unknown field/],
    [{ or: [{ seen: true }] }, 'search.or', /fewer than 2/],
    [{ not: {} }, 'search.not', /properties|fewer/],
    [{ or: [{ seen: true }, { or: [{ seen: true }, { not: { not: { seen: true } } }] }] }, 'search.or.1.or.1.not.not', /too deep/],
    [{ seq: 'one' }, 'search.seq', /set like/],
    [{ modseq: -1 }, 'search.modseq', /.+/],
  ];
  for (const [criteria, field, reason] of cases) {
    const res = await refused(criteria);
    assert.equal(res.status, 400, JSON.stringify(criteria));
    const problem = res.body.details.find((p: { field: string }) => p.field === field);
    assert.ok(problem, `${field} in ${JSON.stringify(res.body.details)}`);
    assert.match(problem.reason, reason);
  }
  // the same criteria select messages for bulk writes: a bad one changes nothing
  const bulk = await api(server.url, 'PUT', '/v1/account/finder/messages?path=INBOX', { search: { or: [{ unseen: true }] }, flags: { add: ['\\Deleted'] } });
  assert.equal(bulk.status, 400);
  assert.equal(bulk.body.details[0].field, 'search.or');
  assert.equal((await search({ deleted: true })).length, 0);
  const good = await api(server.url, 'PUT', '/v1/account/finder/messages?path=INBOX', { search: { or: [{ seq: '1' }, { seq: '2' }] }, flags: { add: ['$Checked'] } });
  assert.equal(good.body.updated, 2);
});
