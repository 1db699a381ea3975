// The data dir lock: a live owner refuses a second one, a dead or reused pid's lock is taken
// over (by exactly one of several racing starters), and release only removes our own file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUse, InstanceLock, LOCK_FILE, type LockOwner } from '../src/store/instance-lock.js';

const root = mkdtempSync(join(tmpdir(), 'imapapi-lock-'));
const freshDir = () => mkdtempSync(join(root, 'dir-'));
after(() => rmSync(root, { recursive: true, force: true }));
const read = (dir: string): LockOwner => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
const write = (dir: string, owner: LockOwner) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner));

/** A lock file left behind by a server that is gone: our record with `changes` applied. */
function leftBehind(dir: string, changes: Partial<LockOwner>): LockOwner {
  const lock = InstanceLock.acquire(dir, '127.0.0.1');
  const stale = { ...read(dir), id: 'old', port: 3000, ...changes };
  lock.release();
  write(dir, stale);
  return stale;
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.ok(child.pid);
  return child.pid;
}

test('a second lock on the same dir is refused and names the owner', () => {
  const dir = freshDir();
  const first = InstanceLock.acquire(dir, '127.0.0.1');
  first.listening(4567);
  assert.throws(() => InstanceLock.acquire(dir, '127.0.0.1'), (err: unknown) => {
    assert.ok(err instanceof DataDirInUse);
    assert.equal(err.code, 'DataDirInUse');
    assert.equal(err.owner.pid, process.pid);
    assert.match(err.message, new RegExp(`^data dir ${dir} is in use by another imapapi server \\(pid ${process.pid}, listening on 127\\.0\\.0\\.1:4567 since \\d{4}-`));
    assert.match(err.message, /stop it first or use another --data-dir$/);
    return true;
  });
  assert.equal(read(dir).port, 4567, 'the refused attempt left the file alone');
  first.release();
});

test('a lock whose owner still starts says so', () => {
  const dir = freshDir();
  const first = InstanceLock.acquire(dir, '::1');
  assert.throws(() => InstanceLock.acquire(dir, '::1'), new RegExp(`\\(pid ${process.pid}, starting on \\[::1\\] since `));
  first.release();
});

test('a stale lock of a dead pid is taken over', () => {
  const dir = freshDir();
  leftBehind(dir, { pid: deadPid() });
  const lock = InstanceLock.acquire(dir, '127.0.0.1');
  assert.equal(read(dir).pid, process.pid);
  assert.notEqual(read(dir).id, 'old');
  lock.release();
});

test('a live pid with another start time (pid reused) does not block', () => {
  const dir = freshDir();
  const stale = leftBehind(dir, { procStart: '1' });
  assert.equal(stale.pid, process.pid, 'the pid is alive: it is this process');
  const lock = InstanceLock.acquire(dir, '127.0.0.1');
  assert.notEqual(read(dir).id, 'old');
  lock.release();
});

test('a lock from another boot, or copied from another data dir, does not block', () => {
  for (const changes of [{ bootId: 'an-earlier-boot' }, { dir: '1:2' }]) {
    const dir = freshDir();
    leftBehind(dir, changes);
    InstanceLock.acquire(dir, '127.0.0.1').release();
  }
});

test('a lock file that is not ours to read (garbage) is taken over', () => {
  const dir = freshDir();
  writeFileSync(join(dir, LOCK_FILE), '{"pid": 0');
  InstanceLock.acquire(dir, '127.0.0.1').release();
});

test('a takeover abandoned half-way (its guard left behind by a dead starter) is finished', () => {
  const dir = freshDir();
  const stale = leftBehind(dir, { pid: deadPid() });
  // the guard is named after the stale content it replaces
  const raw = readFileSync(join(dir, LOCK_FILE), 'utf8');
  const guard = `${LOCK_FILE}.${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
  writeFileSync(join(dir, guard), JSON.stringify({ ...stale, id: 'guard' }));
  const lock = InstanceLock.acquire(dir, '127.0.0.1');
  assert.deepEqual(readdirSync(dir), [LOCK_FILE]);
  lock.release();
});

test('release removes the file; a second release is harmless', () => {
  const dir = freshDir();
  const lock = InstanceLock.acquire(dir, '127.0.0.1');
  lock.release();
  lock.release();
  assert.deepEqual(readdirSync(dir), []);
  InstanceLock.acquire(dir, '127.0.0.1').release();
});

test('release leaves alone a lock someone else took over', () => {
  const dir = freshDir();
  const lock = InstanceLock.acquire(dir, '127.0.0.1');
  const theirs = { ...read(dir), id: 'theirs', pid: process.ppid };
  write(dir, theirs);
  assert.throws(() => lock.listening(3000), /taken over by pid/);
  lock.release();
  assert.deepEqual(read(dir), theirs);
});

// Each child walks the same stale dirs from the same instant, so the children collide on many
// of them; it keeps what it wins until all have tried, and prints the indexes of those.
const RACER = `
const { InstanceLock } = await import(process.argv[1]);
const [dirs, at] = [JSON.parse(process.argv[2]), Number(process.argv[3])];
await new Promise((r) => setTimeout(r, at - Date.now() - 20));
while (Date.now() < at);
const won = [];
for (const [i, dir] of dirs.entries()) {
  try {
    InstanceLock.acquire(dir, '127.0.0.1');
    won.push(i);
  } catch (err) {
    if (err.code !== 'DataDirInUse') throw err;
  }
}
console.log(JSON.stringify(won));
setTimeout(() => {}, 1000);`;

function race(dirs: string[], at: number): Promise<number[]> {
  const module = new URL('../src/store/instance-lock.js', import.meta.url).href;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', RACER, module, JSON.stringify(dirs), String(at)]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(out))));
  });
}

test('starters racing on stale locks: exactly one wins each', async () => {
  const dead = deadPid();
  const dirs = Array.from({ length: 1000 }, () => {
    const dir = freshDir();
    leftBehind(dir, { pid: dead });
    return dir;
  });
  const at = Date.now() + 1000;
  const wins = (await Promise.all([race(dirs, at), race(dirs, at), race(dirs, at)])).flat();
  assert.deepEqual(wins.sort((a, b) => a - b), dirs.map((_, i) => i), 'every dir won once');
  const left = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f !== LOCK_FILE));
  assert.deepEqual(left, [], 'no guard or temp file left behind');
});
