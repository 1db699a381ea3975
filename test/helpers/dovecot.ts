// Starts a private Dovecot IMAP server on 127.0.0.1 for end-to-end tests: config, runtime
// dirs, log and Maildirs all live in one temp dir; any user name logs in with one password.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export const DOVECOT_PASSWORD = 'pass';
const DOVECOT_BIN = process.env['DOVECOT_BIN'] ?? '/usr/sbin/dovecot';
const START_TIMEOUT_MS = 10_000;

export interface DovecotOptions {
  /** replaces the advertised `imap_capability` list, to test client fallbacks */
  capability?: string;
  /** the one password every user logs in with (default DOVECOT_PASSWORD) */
  password?: string;
  /** also listen with implicit TLS (a self-signed certificate for 127.0.0.1 in `caFile`) */
  tls?: boolean;
  /** also take OAuth2 logins (XOAUTH2, OAUTHBEARER): tokens are checked by POSTing them to
   *  this RFC 7662 introspection URL, whose answer's `sub` must be the user name */
  oauth2?: { introspectionUrl: string };
}

/** The client Dovecot introspects as (`client_secret_post`), when started with `oauth2`. */
export const OAUTH2_CLIENT = { id: 'dovecot-e2e', secret: 'dovecot-e2e-secret' };
export interface Dovecot {
  host: string; port: number; password: string; root: string;
  /** implicit-TLS port when started with `tls`, else 0 */
  tlsPort: number;
  /** the certificate to trust (NODE_EXTRA_CA_CERTS) when started with `tls` */
  caFile: string;
  /** stop the server process (connections drop), keep the temp dir and port */
  stop(): Promise<void>;
  /** start again on the same port after stop() */
  start(): Promise<void>;
  /** stop and remove the temp dir; idempotent */
  close(): Promise<void>;
  /** a fresh user name unique in this process, e.g. `e2e-<prefix>-<n>` */
  user(prefix?: string): string;
  /** the home dir of a user (its mail is in `<home>/Maildir`) */
  home(user: string): string;
}

let userCounter = 0;

// Runs in its own process group (spawn detached) and then execs into the master, so the
// child pid is the master pid and the process group holds every Dovecot process. The
// background reader keeps a pipe from us: when this Node process dies in any way (even
// SIGKILL) the pipe closes, `read` returns and the whole group is terminated. The reader is
// double-forked so that the master does not inherit it as an unknown child.
const LAUNCHER = `
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
exec 3<&0
( (read _ <&3; kill -s TERM 0) & )
exec 3<&-
exec "$0" -F -c "$1"
`;

/** a Dovecot config section; nested sections are passed as already rendered lines */
const block = (head: string, body: string[]): string[] => [`${head} {`, ...body.map((l) => `  ${l}`), '}'];

function config(root: string, port: number, tlsPort: number, asRoot: boolean, opts: DovecotOptions): string {
  const me = os.userInfo();
  // imap-login refuses to run as root; as non-root everything must run as ourselves, the
  // unix listeners get our group and chroot (the imap-login default) is impossible
  const noChroot = asRoot ? [] : ['chroot ='];
  const lines = [
    `base_dir = ${root}/run`,
    `state_dir = ${root}/state`,
    `log_path = ${root}/dovecot.log`,
    `info_log_path = ${root}/dovecot.log`,
    'protocols = imap',
    'listen = 127.0.0.1',
    ...(tlsPort ? ['ssl = yes', `ssl_cert = <${root}/cert.pem`, `ssl_key = <${root}/key.pem`] : ['ssl = no']),
    'disable_plaintext_auth = no',
    `auth_mechanisms = plain login${opts.oauth2 ? ' xoauth2 oauthbearer' : ''}`,
    'mail_location = maildir:~/Maildir',
    // durability is irrelevant for a throw-away server; fsync would slow seeding
    'mail_fsync = never',
    // a failed login then takes ~0.5 s (Dovecot flushes failures on a 500 ms timer), not 2 s
    'auth_failure_delay = 0',
    `default_login_user = ${asRoot ? 'dovenull' : me.username}`,
    `default_internal_user = ${asRoot ? 'dovecot' : me.username}`,
    ...(asRoot ? [] : [`default_internal_group = ${execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim()}`]),
    `mail_uid = ${asRoot ? 'dovecot' : me.uid}`,
    `mail_gid = ${asRoot ? 'dovecot' : me.gid}`,
    'first_valid_uid = 1',
    'first_valid_gid = 0',
    'default_process_limit = 5000',
    'default_client_limit = 20000',
    'default_vsz_limit = 1G',
    ...(opts.oauth2 ? block('passdb', ['driver = oauth2', 'mechanisms = xoauth2 oauthbearer', `args = ${root}/oauth2.conf`]) : []),
    ...block('passdb', ['driver = static', `args = password=${opts.password ?? DOVECOT_PASSWORD}`]),
    ...block('userdb', ['driver = static', `args = home=${root}/mail/%u`]),
    ...block('namespace inbox', [
      'inbox = yes',
      ...['Sent', 'Drafts', 'Trash', 'Junk', 'Archive'].flatMap((m) =>
        block(`mailbox ${m}`, [`special_use = \\${m}`, 'auto = subscribe'])),
    ]),
    ...block('service imap-login', [
      ...block('inet_listener imap', ['address = 127.0.0.1', `port = ${port}`]),
      ...block('inet_listener imaps', tlsPort ? ['address = 127.0.0.1', `port = ${tlsPort}`, 'ssl = yes'] : ['port = 0']),
      // long-lived login processes serving many clients, not one process per login
      'service_count = 0',
      'client_limit = 5000',
      'process_min_avail = 2',
      ...noChroot,
    ]),
    ...block('service imap', ['process_limit = 5000']),
    ...block('service auth', ['client_limit = 20000']),
    // no per-IP brute-force penalty: one wrong-password test would slow every later login
    ...block('service anvil', ['client_limit = 20000', ...block('unix_listener anvil-auth-penalty', ['mode = 0']), ...noChroot]),
    ...block('service stats', [
      'client_limit = 20000',
      ...block('unix_listener stats-reader', ['mode = 0666']),
      ...block('unix_listener stats-writer', ['mode = 0666']),
    ]),
    ...block('protocol imap', [
      // the default of 10 per user+IP breaks any test with parallel connections
      'mail_max_userip_connections = 5000',
      ...(opts.capability !== undefined ? [`imap_capability = ${opts.capability}`] : []),
    ]),
  ];
  return lines.join('\n') + '\n';
}

/** A certificate valid for 127.0.0.1 and localhost, so clients can verify it when told to trust it. */
function selfSignedCert(root: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', path.join(root, 'key.pem'), '-out', path.join(root, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** resolves 'greeting' once the server says `* OK`, 'refused' when nothing listens */
function probe(port: number): Promise<'greeting' | 'refused' | 'other'> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (r: 'greeting' | 'refused' | 'other') => { sock.destroy(); resolve(r); };
    sock.setTimeout(2000, () => done('other'));
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.startsWith('* OK')) done('greeting');
      else if (buf.includes('\n')) done('other');
    });
    sock.on('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'other'));
    sock.on('close', () => done('other'));
  });
}

async function logTail(root: string): Promise<string> {
  try {
    const text = await readFile(path.join(root, 'dovecot.log'), 'utf8');
    return text.split('\n').slice(-25).join('\n');
  } catch {
    return '(no dovecot.log)';
  }
}

export async function startDovecot(opts: DovecotOptions = {}): Promise<Dovecot> {
  const asRoot = process.getuid?.() === 0;
  const root = await mkdtemp(path.join(os.tmpdir(), 'e2e-dovecot-'));
  // mkdtemp makes the dir 0700; dovecot's unprivileged processes must traverse it
  await chmod(root, 0o755);
  for (const d of ['run', 'state', 'mail']) await mkdir(path.join(root, d));
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'dovecot'], { encoding: 'utf8' }).trim());
    await chown(path.join(root, 'mail'), id('-u'), id('-g'));
  }
  const port = await freePort();
  const tlsPort = opts.tls ? await freePort() : 0;
  if (tlsPort) selfSignedCert(root);
  if (opts.oauth2) {
    const args = [`introspection_mode = post`, `introspection_url = ${opts.oauth2.introspectionUrl}`, `client_id = ${OAUTH2_CLIENT.id}`,
      `client_secret = ${OAUTH2_CLIENT.secret}`, 'username_attribute = sub', 'active_attribute = active', 'active_value = true', 'force_introspection = yes'];
    // the auth process, running as another user, reads it
    await writeFile(path.join(root, 'oauth2.conf'), args.join('\n') + '\n', { mode: 0o644 });
  }
  const confPath = path.join(root, 'dovecot.conf');
  await writeFile(confPath, config(root, port, tlsPort, asRoot, opts));

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let closed: Promise<void> | undefined;
  const signalGroup = (pgid: number, sig: NodeJS.Signals | 0): boolean => {
    try { process.kill(-pgid, sig); return true; } catch { return false; }
  };
  // a test that crashes or forgets close() must not leave Dovecot or its temp dir behind;
  // SIGKILL so that no dying process writes into the dir while it is removed
  const onExit = () => {
    if (child?.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    try { rmSync(root, { recursive: true, force: true, maxRetries: 3 }); } catch { /* best effort */ }
  };
  process.on('exit', onExit);

  async function start(): Promise<void> {
    if (child) throw new Error('startDovecot: already running');
    const out = openSync(path.join(root, 'dovecot.log'), 'a');
    const c = spawn('/bin/sh', ['-c', LAUNCHER, DOVECOT_BIN, confPath], { stdio: ['pipe', out, out], detached: true });
    closeSync(out);
    child = c;
    let dead = false;
    exited = new Promise((resolve) => {
      const onGone = () => {
        dead = true;
        // lets the launcher's reader terminate whatever the master left behind
        c.stdin?.destroy();
        resolve();
      };
      c.once('exit', onGone);
      c.once('error', onGone);
    });
    // neither the child nor its pipe may keep the test process alive on their own
    c.unref();
    (c.stdin as unknown as net.Socket | null)?.unref();
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (true) {
      if (dead) {
        child = undefined;
        throw new Error(`dovecot exited during startup (port ${port}); log tail:\n${await logTail(root)}`);
      }
      if ((await probe(port)) === 'greeting') return;
      if (Date.now() > deadline) {
        await stop().catch(() => {});
        throw new Error(`dovecot did not greet on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms; log tail:\n${await logTail(root)}`);
      }
      await sleep(50);
    }
  }

  async function stop(): Promise<void> {
    const c = child;
    if (!c || c.pid === undefined) return;
    const pgid = c.pid;
    // SIGTERM to the master alone leaves serving imap processes alive (with their
    // connections) for ~10 s; signalling the whole group makes them say BYE at once
    signalGroup(pgid, 'SIGTERM');
    const t0 = Date.now();
    // not waiting for the group to be empty: PID 1 may reap orphans only every second or so
    const escalate = setTimeout(() => signalGroup(pgid, 'SIGKILL'), START_TIMEOUT_MS / 2);
    // waiting for the exit must hold the process open: an unref'd child's exit after the
    // SIGKILL would otherwise come after the test runner saw an empty event loop (seen on a busy machine)
    c.ref();
    await exited;
    clearTimeout(escalate);
    child = undefined;
    while ((await probe(port)) !== 'refused') {
      if (Date.now() - t0 > 2 * START_TIMEOUT_MS) {
        throw new Error(`dovecot port ${port} still open after stop; log tail:\n${await logTail(root)}`);
      }
      await sleep(25);
    }
  }

  function close(): Promise<void> {
    closed ??= (async () => {
      const pgid = child?.pid;
      try {
        await stop();
      } finally {
        // imap processes may still be flushing indexes into the dir we are about to remove
        if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
        process.off('exit', onExit);
        await rm(root, { recursive: true, force: true, maxRetries: 5 });
      }
    })();
    return closed;
  }

  try {
    await start();
  } catch (err) {
    process.off('exit', onExit);
    await rm(root, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    password: opts.password ?? DOVECOT_PASSWORD,
    root,
    tlsPort,
    caFile: tlsPort ? path.join(root, 'cert.pem') : '',
    stop,
    start,
    close,
    user: (prefix = 'user') => `e2e-${prefix}-${++userCounter}`,
    home: (user) => path.join(root, 'mail', user),
  };
}
