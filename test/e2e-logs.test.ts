// GET /v1/logs/:account end to end: the IMAP traffic of the accounts settings `logs` names,
// both connections, redacted (no password, no AUTHENTICATE payload, no message bodies).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';

const PASS = 'Logs-Sesame-5r8tY2';
const BODY_MARK = 'ConfidentialBodyText';
const A = 'logged';
const B = 'quiet';
let dovecot: Dovecot;
let server: RunningServer;
let loginA: ImapLogin;
let bigId: string;

async function logOf(account: string): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${server.url}/v1/logs/${encodeURIComponent(account)}`);
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const setLogs = async (logs: Record<string, unknown>) => {
  const res = await api(server.url, 'PUT', '/v1/settings', { logs });
  assert.equal(res.status, 200, JSON.stringify(res.body));
};

before(async () => {
  dovecot = await startDovecot({ password: PASS });
  loginA = { host: dovecot.host, port: dovecot.port, user: dovecot.user('logs'), pass: PASS };
  const loginB = { ...loginA, user: dovecot.user('logs') };
  await appendMessages(loginA, 'INBOX', 3);
  await appendMessages(loginB, 'INBOX', 2);
  const imap = await imapClient(loginA);
  const big = `From: a@example.com\r\nTo: b@example.com\r\nSubject: big one\r\nMessage-ID: <big@example.com>\r\n\r\n${`${BODY_MARK} `.repeat(4000)}\r\n`;
  await imap.append('INBOX', big, []);
  await imap.logout();
  server = await startServer();
  // on before the accounts connect, so their logins are in the log too
  await setLogs({ accounts: [A] });
  for (const [account, login] of [[A, loginA], [B, loginB]] as const) {
    assert.equal((await api(server.url, 'POST', '/v1/account', exampleAccount(account, login))).status, 200);
  }
  for (const account of [A, B]) {
    await eventually(async () => (await api(server.url, 'GET', `/v1/account/${account}`)).body.state === 'connected', 15_000, `${account} connected`);
  }
  for (const account of [A, B]) {
    const list = await api(server.url, 'GET', `/v1/account/${account}/messages?path=INBOX`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    if (account === A) bigId = list.body.messages.find((m: { subject: string }) => m.subject === 'big one').id;
  }
  assert.equal((await api(server.url, 'GET', `/v1/account/${A}/message/${bigId}`)).status, 200);
  const source = await fetch(`${server.url}/v1/account/${A}/message/${bigId}/source`);
  assert.ok((await source.text()).includes(BODY_MARK), 'the source itself has the body');
});
after(async () => {
  await server?.stop();
  if (server) await removeDir(server.dataDir);
  await dovecot?.close();
});

test('a logged account: its IMAP commands and responses from both connections, as a text file', async () => {
  const log = await logOf(A);
  assert.equal(log.status, 200);
  assert.match(log.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(log.headers.get('content-disposition') ?? '', /^attachment; filename="logged\.log"/);
  assert.equal(log.headers.get('x-imapapi-logging'), 'on');
  const lines = log.text.trimEnd().split('\n');
  for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z \[(sync|api)(:\S+)?\] [CS]: /, line);
  assert.ok(lines.some((l) => /\[sync\S*\] C: \S+ IDLE/.test(l)), 'the sync connection IDLEs');
  assert.ok(lines.some((l) => /\[api\S*\] C: \S+ (EXAMINE|SELECT) "?INBOX/.test(l)), 'the API connection opens INBOX');
  assert.ok(lines.some((l) => /\[api\S*\] C: \S+ UID FETCH/.test(l)), 'the API connection fetches');
  assert.ok(lines.some((l) => /\] S: \S+ OK /.test(l)), 'server responses are there');
  assert.ok(lines.some((l) => /C: \S+ (AUTHENTICATE|LOGIN) /i.test(l)), 'the login is there, redacted');
});

test('no password, no AUTHENTICATE payload and no message body in the log', async () => {
  const { text } = await logOf(A);
  assert.ok(text.length > 0);
  assert.ok(!text.includes(PASS), 'the password');
  const plain = Buffer.from(`\0${loginA.user}\0${PASS}`).toString('base64');
  assert.ok(!text.includes(plain) && !text.includes(plain.slice(0, 20)), 'the SASL PLAIN payload');
  assert.ok(!text.includes(Buffer.from(PASS).toString('base64')), 'the password in base64');
  assert.ok(!text.includes(BODY_MARK), 'the body of the big message');
  assert.match(text, /… <\d+ bytes>/, 'a literal shortened to its size');
});

test('an account not in logs.accounts has no log; an unknown one is a 404', async () => {
  const log = await logOf(B);
  assert.equal(log.status, 200);
  assert.equal(log.text, '');
  assert.equal(log.headers.get('x-imapapi-logging'), 'off');
  const unknown = await logOf('nobody-here');
  assert.equal(unknown.status, 404);
  assert.equal(JSON.parse(unknown.text).code, 'AccountNotFound');
});

test('turning logs off drops the kept lines; on again keeps only new traffic', async () => {
  await setLogs({ accounts: [] });
  assert.equal((await logOf(A)).text, '');
  await api(server.url, 'GET', `/v1/account/${A}/messages?path=INBOX`);
  assert.equal((await logOf(A)).text, '', 'nothing kept while off');
  await setLogs({ all: true, maxLogLines: 5 });
  await api(server.url, 'GET', `/v1/account/${A}/messages?path=INBOX`);
  const a = await logOf(A);
  const b = await logOf(B);
  assert.ok(a.text.length > 0 && !a.text.includes('AUTHENTICATE'), 'only traffic after the switch');
  assert.ok(a.text.trimEnd().split('\n').length <= 5, 'maxLogLines caps the lines');
  assert.equal(b.headers.get('x-imapapi-logging'), 'on', 'logs.all covers every account');
  await setLogs({ all: false });
});

test('deleting an account drops its lines', async () => {
  await setLogs({ accounts: [A] });
  await api(server.url, 'GET', `/v1/account/${A}/messages?path=INBOX`);
  const cids = (text: string) => new Set([...text.matchAll(/\[(?:sync|api):(\S+)\]/g)].map((m) => m[1]));
  const old = cids((await logOf(A)).text);
  assert.ok(old.size > 0);
  assert.equal((await api(server.url, 'DELETE', `/v1/account/${A}`)).status, 200);
  assert.equal((await logOf(A)).status, 404);
  assert.equal((await api(server.url, 'POST', '/v1/account', exampleAccount(A, loginA))).status, 200);
  await eventually(async () => (await api(server.url, 'GET', `/v1/account/${A}`)).body.state === 'connected', 15_000, 'connected again');
  const fresh = cids((await logOf(A)).text);
  assert.ok(fresh.size > 0, 'the new connection is logged');
  for (const cid of old) assert.ok(!fresh.has(cid), `lines of the deleted account's connection ${cid} are gone`);
});
