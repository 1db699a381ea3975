// A real SMTP server for tests (the smtp-server package on 127.0.0.1): accepts any login (or checks
// it: PLAIN/LOGIN/XOAUTH2, tokens by introspection), records every message it accepts (envelope, raw
// bytes, parsed), and lets a test choose how each DATA ends: accepted, refused, or cut off after the dot.
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo, Socket } from 'node:net';

export interface Delivered {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
  user: string | undefined;
  at: number;
}

/** What to do with the `n`-th DATA (from 0): accept, answer `code` with `message`, or drop the connection. */
export type DataVerdict = 'accept' | 'drop' | { code: number; message: string };

/** One login as the server got it. */
export interface SmtpLogin { method: string; username: string; password?: string; accessToken?: string }

export interface SmtpOptions {
  /** decides each login (default: every login is accepted); XOAUTH2 is offered too when given */
  login?: (auth: SmtpLogin) => boolean;
  /** check XOAUTH2 logins at this RFC 7662 endpoint (as the client given, client_secret_post):
   *  accepted when the token is active and its `sub` is the user name */
  introspection?: { url: string; clientId: string; clientSecret: string };
}

async function introspects(i: NonNullable<SmtpOptions['introspection']>, login: SmtpLogin): Promise<boolean> {
  const res = await fetch(i.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: login.accessToken ?? '', client_id: i.clientId, client_secret: i.clientSecret }).toString() });
  const body = await res.json() as { active?: unknown; sub?: unknown };
  return res.ok && body.active === true && body.sub === login.username;
}

export interface SmtpSink {
  /** logins tried, when started with a `login` or `introspection` check */
  logins: SmtpLogin[];
  host: string;
  port: number;
  delivered: Delivered[];
  /** every DATA seen, with the verdict it got */
  attempts: { messageId: string | undefined; verdict: DataVerdict; at: number }[];
  verdict: (n: number, raw: Buffer) => DataVerdict;
  /** the answer to each RCPT TO (default: accept); refusing some lets the message go to the others */
  rcpt: (address: string) => 'accept' | { code: number; message: string };
  waitFor(pred: (d: Delivered[]) => boolean, ms?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(verdict: (n: number, raw: Buffer) => DataVerdict = () => 'accept', opts: SmtpOptions = {}): Promise<SmtpSink> {
  const sink = { delivered: [], attempts: [], logins: [], verdict, rcpt: () => 'accept' } as unknown as SmtpSink;
  let n = 0;
  // smtp-server's session does not expose its socket: find it by the client's port
  const sockets = new Map<number, Socket>();
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    // no reverse DNS of 127.0.0.1: without a resolver it costs a timeout per connection
    disableReverseLookup: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 64 * 1024 * 1024,
    // XOAUTH2 last: nodemailer's password login takes the first method offered
    ...(opts.login || opts.introspection ? { authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'] } : {}),
    onAuth(auth, _session, cb) {
      if (!opts.login && !opts.introspection) return cb(null, { user: auth.username });
      const login: SmtpLogin = { method: auth.method, username: auth.username ?? '' };
      if (typeof auth.password === 'string') login.password = auth.password;
      if (typeof auth.accessToken === 'string') login.accessToken = auth.accessToken;
      sink.logins.push(login);
      const verdict = opts.introspection && login.method === 'XOAUTH2' ? introspects(opts.introspection, login).catch(() => false)
        : Promise.resolve(opts.login ? opts.login(login) : true);
      void verdict.then((ok) => {
        if (ok) return cb(null, { user: login.username });
        // XOAUTH2 failures answer with a JSON challenge (RFC 7628 §3.2.2), the others with 535
        cb(auth.method === 'XOAUTH2' ? null : new Error('Invalid username or password'), auth.method === 'XOAUTH2' ? { data: { status: '401', schemes: 'bearer' } } : undefined);
      });
    },
    onRcptTo(address, _session, cb) {
      const v = sink.rcpt(address.address);
      if (v === 'accept') return cb();
      cb(Object.assign(new Error(v.message), { responseCode: v.code }));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const v = sink.verdict(n++, raw);
        const messageId = /^message-id:\s*(\S+)/im.exec(raw.toString('latin1'))?.[1];
        sink.attempts.push({ messageId, verdict: v, at: Date.now() });
        if (v === 'drop') {
          // the whole message arrived, the answer never leaves: RFC 1047's window
          sockets.get(session.remotePort)?.destroy();
          return;
        }
        if (v !== 'accept') return cb(Object.assign(new Error(v.message), { responseCode: v.code }));
        void simpleParser(raw).then((parsed) => {
          sink.delivered.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address), raw, parsed, user: session.user as string | undefined, at: Date.now(),
          });
          cb(null, `OK queued as test-${n}`);
        });
      });
    },
  });
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort ?? 0;
    sockets.set(port, socket);
    socket.on('close', () => sockets.delete(port));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(sink, {
    host: '127.0.0.1',
    port,
    async waitFor(pred: (d: Delivered[]) => boolean, ms = 15_000, what = 'delivery') {
      const until = Date.now() + ms;
      while (!pred(sink.delivered)) {
        if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what} (${sink.delivered.length} delivered, ${sink.attempts.length} tries)`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
