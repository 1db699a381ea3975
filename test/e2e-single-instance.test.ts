// One server per data dir and per port, as a user meets it: a second start on a data dir or a
// port that is taken exits with a message naming the first server, which runs on untouched.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, runToExit, startServer, type RunningServer } from './helpers/server.js';
import { api, exampleAccount } from './helpers/api.js';

const dirs: string[] = [];
let server: RunningServer | undefined;
after(async () => {
  await server?.stop();
  for (const dir of dirs) await removeDir(dir);
});

const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'imapapi.lock'), 'utf8')) as { pid: number; port: number | string };
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('one server per data dir and per port', async (t) => {
  const a = server = await startServer({ shards: 1 });
  dirs.push(a.dataDir);
  const inUse = new RegExp(`^imapapi: failed to start: data dir ${escape(a.dataDir)} is in use by another imapapi server ` +
    `\\(pid ${a.pid}, listening on 127\\.0\\.0\\.1:${a.port} since [^)]+\\); stop it first or use another --data-dir\\n$`);

  await t.test('a second server on the same data dir is refused before it touches anything', async () => {
    const second = await runToExit({ dataDir: a.dataDir, shards: 1 });
    assert.equal(second.code, 1, second.output);
    assert.ok(second.ms < 5000, `refused after ${second.ms} ms`);
    // that one line is all it wrote: no thread started, no log line, the store never opened
    assert.match(second.output, inUse);
    assert.equal(lockOf(a.dataDir).pid, a.pid);
  });

  await t.test('a second server on the same port is refused before it touches its data dir', async () => {
    const second = await runToExit({ port: a.port, shards: 1 }, 8000);
    dirs.push(second.dataDir);
    assert.equal(second.code, 1, second.output);
    assert.match(second.output, new RegExp(`imapapi: failed to start: port ${a.port} on 127\\.0\\.0\\.1 is in use \\(another server\\?\\); stop it or choose another --port\\n$`));
    assert.deepEqual(readdirSync(second.dataDir), [], 'no lock, no secret, no store left in its data dir');
  });

  await t.test('the first server still serves, and still holds its data dir', async () => {
    assert.equal((await api(a.url, 'GET', '/health')).body.status, 'ok');
    const login = { host: '127.0.0.1', port: 1, user: 'solo', pass: 'not-used' };
    assert.equal((await api(a.url, 'POST', '/v1/account', exampleAccount('solo', login))).status, 200);
    const list = (await api(a.url, 'GET', '/v1/accounts')).body;
    assert.deepEqual(list.accounts.map((x: { account: string }) => x.account), ['solo']);
    const third = await runToExit({ dataDir: a.dataDir, shards: 1 });
    assert.equal(third.code, 1);
    assert.match(third.output, inUse);
  });

  await t.test('after kill -9 of the first server its data dir starts again', async () => {
    assert.equal((await a.stop('SIGKILL')).code, null);
    assert.equal(lockOf(a.dataDir).pid, a.pid, 'the dead server left its lock behind');
    const b = server = await startServer({ dataDir: a.dataDir, shards: 1 });
    assert.deepEqual(lockOf(a.dataDir), { ...lockOf(a.dataDir), pid: b.pid, port: b.port });
    const list = (await api(b.url, 'GET', '/v1/accounts')).body;
    assert.deepEqual(list.accounts.map((x: { account: string }) => x.account), ['solo']);
  });
});
