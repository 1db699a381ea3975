// Submissions per second to a loopback SMTP server, from the first POST /submit to the last
// message the server accepted, with 1 and 10 accounts; beside plain nodemailer sending the same
// message to the same server in the same run, as many sessions at once as the product runs
// (one per account). Env: RUNS (3), MESSAGES (300), ACCOUNTS ("1,10"), CLIENTS (16).
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config.js';
import { start } from '../src/main.js';
import { api, eventually } from '../test/helpers/api.js';
import { startDovecot } from '../test/helpers/dovecot.js';
import { removeDir } from '../test/helpers/server.js';
import { header, median, table } from './lib/table.js';

const RUNS = Number(process.env.RUNS ?? 3);
const MESSAGES = Number(process.env.MESSAGES ?? 300);
const ACCOUNTS = (process.env.ACCOUNTS ?? '1,10').split(',').map(Number);
const CLIENTS = Number(process.env.CLIENTS ?? 16);
const BODY = { to: [{ address: 'rcpt@example.org' }], subject: 'Bench message ÕÄ', text: 'Hello '.repeat(200), html: `<p>${'Hello '.repeat(200)}</p>` };

/** An SMTP server that reads each message to the end and accepts it; counts arrivals. */
async function sink() {
  const state = { received: 0, want: Infinity, done: () => {} };
  const server = new SMTPServer({
    authOptional: true, allowInsecureAuth: true, disableReverseLookup: true, disabledCommands: ['STARTTLS'], logger: false,
    onAuth: (_a, _s, cb) => cb(null, { user: 'bench' }),
    onData(stream, _s, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        cb(null, 'OK');
        if (++state.received === state.want) state.done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { state, port: (server.server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

type Sink = Awaited<ReturnType<typeof sink>>;

function arrivals(s: Sink, n: number): Promise<void> {
  s.state.received = 0;
  s.state.want = n;
  return new Promise((resolve) => { s.state.done = resolve; });
}

/** Plain nodemailer, `sessions` sends at once, each on a fresh connection as the product does. */
async function floor(s: Sink, sessions: number): Promise<number> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.port, secure: false, ignoreTLS: true, auth: { user: 'u@example.com', pass: 'x' } });
  const done = arrivals(s, MESSAGES);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: sessions }, async () => {
    for (let i = next++; i < MESSAGES; i = next++) await transport.sendMail({ from: 'u@example.com', ...BODY, to: 'rcpt@example.org' });
  }));
  await done;
  transport.close();
  return MESSAGES / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  header(`submit: ${MESSAGES} messages per run, ${RUNS} runs, accounts ${ACCOUNTS.join(', ')}, ${CLIENTS} HTTP clients, loopback SMTP`);
  const dovecot = await startDovecot();
  const smtp = await sink();
  const dataDir = await mkdtemp(join(tmpdir(), 'imapapi-bench-submit-'));
  const parsed = loadConfig(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {});
  if (parsed.help) throw new Error('unexpected --help');
  const server = await start(parsed.config);
  try {
    const max = Math.max(...ACCOUNTS);
    for (let a = 0; a < max; a++) {
      await api(server.url, 'POST', '/v1/account', {
        account: `b${a}`, imap: { host: dovecot.host, port: dovecot.port, auth: { user: dovecot.user('bench'), pass: dovecot.password } },
        smtp: { host: '127.0.0.1', port: smtp.port, auth: { user: `b${a}@example.com`, pass: 'x' } }, copy: false,
      });
    }
    await eventually(async () => (await api(server.url, 'GET', '/v1/accounts?state=connected&pageSize=1000')).body.total === max, 30_000, 'accounts connected');
    const rows: (string | number)[][] = [];
    for (const accounts of ACCOUNTS) {
      const product: number[] = [];
      const plain: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const done = arrivals(smtp, MESSAGES);
        const t0 = performance.now();
        let next = 0;
        await Promise.all(Array.from({ length: CLIENTS }, async () => {
          for (let i = next++; i < MESSAGES; i = next++) {
            const res = await api(server.url, 'POST', `/v1/account/b${i % accounts}/submit`, BODY);
            if (res.status !== 200) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
          }
        }));
        await done;
        product.push(MESSAGES / ((performance.now() - t0) / 1000));
        plain.push(await floor(smtp, accounts));
      }
      rows.push([accounts, Math.round(median(product)), Math.round(median(plain)), (median(product) / median(plain)).toFixed(2)]);
    }
    table(['accounts', 'product msg/s (median)', `nodemailer floor msg/s (same sessions)`, 'ratio'], rows);
  } finally {
    await server.close();
    await smtp.close();
    await dovecot.close();
    await removeDir(dataDir);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
