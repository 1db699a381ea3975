// Hostile requests as raw bytes on a socket (issue 16): each gets a 4xx naming the problem, or for
// broken HTTP a 400 or a closed connection; never a 5xx, never a hang. Meanwhile another client
// keeps being served, and afterwards the data dir and the IMAP mailboxes are as they were.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { appendMessages, imapClient, type ImapLogin } from './helpers/seed.js';
import { startServer, removeDir, type RunningServer } from './helpers/server.js';
import { api, eventually, exampleAccount } from './helpers/api.js';
import { hostileCases, send, type Answer, type HostileCase } from './helpers/hostile.js';

let dovecot: Dovecot;
let server: RunningServer;
let login: ImapLogin;
let imap: ImapFlow;
const A = 'hostile';
/** uWS closes a connection that has not sent a whole request within 10 s (HTTP_IDLE_TIMEOUT_S) */
const SLOW_LIMIT = 13_000;
/** everything else is answered at once; this bounds a case that hangs */
const FAST_LIMIT = 5_000;

before(async () => {
  dovecot = await startDovecot();
  login = { host: dovecot.host, port: dovecot.port, user: dovecot.user('hostile'), pass: dovecot.password };
  await appendMessages(login, 'INBOX', 4);
  await appendMessages(login, 'Work', 2, { start: 10 });
  imap = await imapClient(login);
  server = await startServer();
  await api(server.url, 'POST', '/v1/account', exampleAccount(A, login));
  await eventually(async () => (await api(server.url, 'GET', `/v1/account/${A}`)).body.state === 'connected', 15_000, 'connected');
});
after(async () => {
  await imap?.logout().catch(() => undefined);
  await server?.stop();
  await dovecot?.close();
  if (server) await removeDir(server.dataDir);
});

/** What the API shows of the account: accounts, folders with counts, messages with flags. */
async function apiState(): Promise<string> {
  const get = async (path: string) => (await api(server.url, 'GET', path)).body;
  const accounts = (await get('/v1/accounts')).accounts.map((a: { account: string; state: string }) => `${a.account}:${a.state}`);
  const folders = (await get(`/v1/account/${A}/mailboxes`)).mailboxes
    .map((m: { path: string; mailboxId: number; messages: number; uidNext: number; unseen?: number }) => `${m.path}#${m.mailboxId}:${m.messages}/${m.uidNext}/${m.unseen}`).sort();
  const messages: string[] = [];
  for (const path of ['INBOX', 'Work']) {
    for (const m of (await get(`/v1/account/${A}/messages?path=${path}&pageSize=100`)).messages) messages.push(`${path} ${m.id} ${[...m.flags].sort().join(" ")} ${m.subject}`);
  }
  const settings = JSON.stringify(await get('/v1/settings'));
  return [...accounts, ...folders, ...messages, settings].join('\n');
}

/** What a second IMAP client sees: every folder with its counts and every message's flags. */
async function imapState(): Promise<string> {
  const out: string[] = [];
  for (const m of await imap.list({ statusQuery: { messages: true, uidNext: true, unseen: true } })) {
    out.push(`${m.path} ${m.status?.messages}/${m.status?.uidNext}/${m.status?.unseen}`);
    if (!m.status?.messages) continue;
    const lock = await imap.getMailboxLock(m.path, { readOnly: true });
    try {
      for await (const msg of imap.fetch('1:*', { uid: true, flags: true })) out.push(`  ${msg.uid} ${[...(msg.flags ?? [])].sort().join(' ')}`);
    } finally {
      lock.release();
    }
  }
  return out.sort().join('\n');
}

/** Why `answer` is wrong for `c`, or null. */
function problem(c: HostileCase, a: Answer): string | null {
  if (a.hung) return `still open after ${a.ms} ms`;
  if (a.status >= 500) return `${a.status} ${a.body.slice(0, 200)}`;
  if (c.expect === 'empty') {
    if (a.status !== 200) return `expected 200 with no messages, got ${a.status} ${a.body.slice(0, 200)}`;
    const total = (JSON.parse(a.body) as { total: number }).total;
    return total === 0 ? null : `matched ${total} messages: the term was not sent as a string`;
  }
  if (c.expect === 'broken' || c.expect === 'slow') return a.status === 0 || (a.status >= 400 && a.status < 500) ? null : `expected a 4xx or a close, got ${a.status}`;
  if (a.status < 400 || a.status >= 500) return `expected a 4xx, got ${a.status || 'a closed connection'}`;
  let body: { error?: unknown; message?: unknown; code?: unknown; statusCode?: unknown };
  try {
    body = JSON.parse(a.body);
  } catch {
    return `a ${a.status} without a JSON body: ${a.body.slice(0, 120)}`;
  }
  if (body.statusCode !== a.status || typeof body.code !== 'string' || typeof body.message !== 'string' || !body.message) {
    return `the body does not name the problem: ${a.body.slice(0, 200)}`;
  }
  return null;
}

/** Run `cases` `width` at a time. */
async function runAll(cases: HostileCase[], width: number): Promise<{ c: HostileCase; a: Answer }[]> {
  const results: { c: HostileCase; a: Answer }[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      results.push({ c, a: await send(server.port, c, c.expect === 'slow' ? SLOW_LIMIT : FAST_LIMIT) });
    }
  }));
  return results;
}

/** Another client polling the server all along: every answer must come, as 200, quickly. */
function bystander(): { stop(): Promise<{ calls: number; failures: string[]; slowest: number; worst: Record<string, number> }> } {
  let running = true;
  const failures: string[] = [];
  let calls = 0;
  let slowest = 0;
  const worst: Record<string, number> = {};
  const loop = (async () => {
    while (running) {
      for (const path of ['/health', `/v1/account/${A}`, `/v1/account/${A}/messages?path=INBOX`]) {
        const t0 = Date.now();
        const res = await api(server.url, 'GET', path).catch((err: Error) => ({ status: 0, body: err.message }));
        slowest = Math.max(slowest, Date.now() - t0);
        worst[path] = Math.max(worst[path] ?? 0, Date.now() - t0);
        calls++;
        if (res.status !== 200) failures.push(`${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return { stop: async () => { running = false; await loop; return { calls, failures, slowest, worst }; } };
}

test('hostile requests: 4xx or a closed connection, never a 5xx or a hang; others served; nothing changed', async () => {
  const [first] = (await api(server.url, 'GET', `/v1/account/${A}/messages?path=INBOX`)).body.messages;
  const cases = hostileCases({ account: A, message: first.id });
  assert.ok(cases.length >= 500, `${cases.length} cases`);
  const apiBefore = await apiState();
  const imapBefore = await imapState();

  const other = bystander();
  const t0 = Date.now();
  const slow = runAll(cases.filter((c) => c.expect === 'slow'), 48);
  const fast = await runAll(cases.filter((c) => c.expect !== 'slow'), 12);
  const results = [...fast, ...await slow];
  const seen = await other.stop();

  const wrong = results.map(({ c, a }) => ({ name: c.name, why: problem(c, a) })).filter((r) => r.why);
  assert.deepEqual(wrong.slice(0, 40), [], `${wrong.length} of ${results.length} cases answered wrongly`);
  assert.equal(results.length, cases.length);
  assert.deepEqual(seen.failures, [], 'the other client was refused');
  assert.ok(seen.calls >= 20, `the other client made only ${seen.calls} calls in ${Date.now() - t0} ms`);
  assert.ok(seen.slowest < 3000, `the other client waited up to ${JSON.stringify(seen.worst)} ms`);
  assert.equal((await api(server.url, 'GET', '/health')).status, 200, 'still up');

  assert.equal(await apiState(), apiBefore, 'accounts, folders, messages and settings as before');
  assert.equal(await imapState(), imapBefore, 'the IMAP mailboxes as before');
});
