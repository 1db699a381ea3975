// One server per data dir: `<dataDir>/imapapi.lock` names the process that owns the dir, so a
// second server refuses to start instead of connecting every account and delivering every
// event twice. Node has no flock, so the file is created atomically and judged stale by pid.
import { createHash, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, readlinkSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LockOwner {
  pid: number;
  /** ISO time the owner took the lock */
  started: string;
  host: string;
  /** the port it listens on, 'starting' until then */
  port: number | 'starting';
  /** Linux: start time of the process (/proc/<pid>/stat field 22) and the boot it ran in */
  procStart?: string;
  bootId?: string;
  /** Linux: the PID namespace it runs in (/proc/self/ns/pid): its pid means nothing in another */
  pidNs?: string;
  /** dev:ino of the data dir: a copied dir does not carry its source's lock along */
  dir: string;
  /** unique per acquisition, so that release() never removes a successor's lock */
  id: string;
}

/** The data dir belongs to another live server. */
export class DataDirInUse extends Error {
  readonly code = 'DataDirInUse';
  constructor(readonly dataDir: string, readonly owner: LockOwner) {
    super(`data dir ${dataDir} is in use by another imapapi server (${describe(owner)}); stop it first or use another --data-dir`);
  }
}

function describe(owner: LockOwner): string {
  const host = owner.host.includes(':') ? `[${owner.host}]` : owner.host;
  if (owner.port === 'starting') return `pid ${owner.pid}, starting on ${host} since ${owner.started}`;
  return `pid ${owner.pid}, listening on ${host}:${owner.port} since ${owner.started}`;
}

export const LOCK_FILE = 'imapapi.lock';
const ROUNDS = 10;
const MAX_DEPTH = 4;

/** The held lock of this process on one data dir. */
export class InstanceLock {
  readonly #path: string;
  #record: LockOwner;
  #released = false;

  private constructor(path: string, record: LockOwner) {
    this.#path = path;
    this.#record = record;
  }

  /** Take the data dir's lock or throw DataDirInUse naming the live owner. */
  static acquire(dataDir: string, host: string): InstanceLock {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, LOCK_FILE);
    const [own, boot, ns] = [procStat(process.pid), bootId(), pidNamespace()];
    const record: LockOwner = {
      pid: process.pid, started: new Date().toISOString(), host, port: 'starting',
      ...(own ? { procStart: own.start } : {}), ...(boot ? { bootId: boot } : {}), ...(ns ? { pidNs: ns } : {}),
      dir: dirId(dataDir), id: randomUUID(),
    };
    const rival = take(path, JSON.stringify(record) + '\n', record.dir, 0);
    if (rival) throw new DataDirInUse(dataDir, rival);
    return new InstanceLock(path, record);
  }

  /** Record the port now listened on, for the message a second server prints. */
  listening(port: number): void {
    const found = parse(readRaw(this.#path));
    if (found?.id !== this.#record.id) throw new Error(`${this.#path} was taken over by pid ${found?.pid ?? '?'} while starting`);
    this.#record = { ...this.#record, port };
    replace(this.#path, JSON.stringify(this.#record) + '\n');
  }

  /** Remove the lock file, unless it has meanwhile become someone else's. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (parse(readRaw(this.#path))?.id !== this.#record.id) return;
    unlinkQuietly(this.#path);
  }
}

/**
 * Make `path` hold `content`: null once it does, else the live owner found there. A stale file
 * is replaced only by whoever first creates the guard `<path>.<hash of the stale content>`, which
 * is itself taken the same way, so two starters racing on one stale lock cannot both win.
 */
function take(path: string, content: string, dir: string, depth: number): LockOwner | null {
  if (depth > MAX_DEPTH) throw new Error(`${path}: too many abandoned takeovers of the lock; remove the ${LOCK_FILE}* files by hand`);
  for (let round = 0; round < ROUNDS; round++) {
    if (createNew(path, content)) return null;
    const raw = readRaw(path);
    if (raw === null) continue; // released meanwhile
    const owner = parse(raw);
    if (owner && isLive(owner, dir)) return owner;
    const guard = `${path}.${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
    const rival = take(guard, content, dir, depth + 1);
    if (rival) return rival; // another starter is taking it over and will own it
    try {
      // holding the guard, nobody else may replace this stale content; it may have gone already
      if (readRaw(path) === raw) {
        replace(path, content);
        return null;
      }
    } finally {
      unlinkQuietly(guard);
    }
  }
  throw new Error(`${path} keeps changing; is a server restarting in a loop?`);
}

/** Whether the recorded owner still runs (a pid alone may have been reused). */
function isLive(owner: LockOwner, dir: string): boolean {
  if (owner.dir !== dir) return false;
  const boot = bootId();
  if (owner.bootId && boot && owner.bootId !== boot) return false;
  // another container on the same volume: its pid cannot be checked from here, so it counts as
  // alive (taking over would put two servers on one store); a dead one's file must be removed by hand
  const ns = pidNamespace();
  if (owner.pidNs && ns && owner.pidNs !== ns) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = procStat(owner.pid);
  if (!now) return true;
  // a zombie is a server that died and was not reaped yet
  if (now.state === 'Z' || now.state === 'X') return false;
  return !owner.procStart || owner.procStart === now.start;
}

function parse(raw: string | null): LockOwner | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as LockOwner;
    // pid 0 or -1 would make process.kill() signal a whole process group
    const ok = Number.isInteger(v.pid) && v.pid > 0 && [v.id, v.dir, v.host, v.started].every((f) => typeof f === 'string');
    return ok ? v : null;
  } catch {
    return null;
  }
}

/** Create `path` with `content` if it does not exist; link() publishes it whole, never half-written. */
function createNew(path: string, content: string): boolean {
  const tmp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkQuietly(tmp);
  }
}

function replace(path: string, content: string): void {
  const tmp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}

function readRaw(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** State and start time of a process from /proc (Linux), undefined elsewhere or when gone. */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // field 2 (comm) may hold spaces and parentheses; the fields after it start at field 3
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, start] = [rest[0], rest[19]];
    return state && start ? { state, start } : undefined;
  } catch {
    return undefined;
  }
}

function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function dirId(dataDir: string): string {
  const st = statSync(dataDir);
  return `${st.dev}:${st.ino}`;
}
