// The second, short-lived IMAP connection an account uses for API commands, so the IDLE
// connection on INBOX is never interrupted by them. Opened on first use, closed when idle;
// commands take FIFO turns on it so they and their folder selections never interleave.
import type { ImapFlow, MailboxObject } from 'imapflow';
import { ApiError } from '../errors.js';
import { CommandErrors, type Must } from '../imap/command-errors.js';
import { classifyCommandError, classifyConnectError, type MadeName } from '../imap/classify.js';
import type { Logger } from '../log.js';
import { Fifo } from '../lib/fifo.js';
import { EntryCache } from '../messages/entry-cache.js';
import { MAX_PAGE_SIZE } from '../schemas/common.js';

// the largest page: a full page listed again is answered from its flags alone
const KNOWN_ENTRIES = MAX_PAGE_SIZE;

export interface ApiSessionOptions {
  /** creates a new, unconnected client with the account's settings and this logger
   *  (rejects when no credentials can be had, e.g. the auth server failed) */
  open: (logger: CommandErrors['logger']) => Promise<ImapFlow>;
  log: Logger;
  /** close the connection after this long without commands, ms */
  idleClose: number;
  /** the error to answer at once instead of opening a connection (the account's server is down) */
  down?: () => ApiError | null;
}

export interface TurnOptions {
  /** the folder the command is about, for a 404 naming it when it does not exist */
  path?: string;
  /** the folder name the command makes, for a 400/409 naming the field it came from */
  made?: MadeName;
  /** absolute Date.now() after which nobody waits: a turn that starts later does nothing */
  deadline?: number;
}

/** What a turn gets: the client, and a way to turn imapflow's `false` into the server's words. */
export interface Turn {
  client: ImapFlow;
  must: Must;
  /** call before each command that changes the mailbox: past the deadline it throws instead */
  live(): void;
}

export class ApiSession {
  readonly #opts: ApiSessionOptions;
  readonly #turns = new Fifo();
  readonly #errors = new CommandErrors();
  #client: ImapFlow | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  #closed = false;
  /** mailbox reads are numbered as they arrive, to tell which ones a NOOP or SELECT covers */
  #arrivals = 0;
  /** the selected folder's view is current for every read that arrived before `covers` */
  #view: { client: ImapFlow; path: string; covers: number } | null = null;
  /** entries of messages listed lately; they go with the connection (nothing kept while idle) */
  readonly entries = new EntryCache(KNOWN_ENTRIES);

  constructor(opts: ApiSessionOptions) {
    this.#opts = opts;
  }

  get queued(): number {
    return this.#turns.waiting;
  }

  /** Run `fn` in its turn with the connection, no folder selected in particular. */
  withClient<T>(fn: (client: ImapFlow, turn: Turn) => Promise<T>, opts: TurnOptions = {}): Promise<T> {
    return this.#run(opts, (turn) => {
      // it may APPEND to, or rename, the selected folder: the next read syncs first again
      this.#view = null;
      return fn(turn.client, turn);
    });
  }

  /** Run `fn` in its turn with `path` open: read-only (EXAMINE) unless `write` (SELECT).
   *  `uid`: the read addresses this one message only (UID FETCH). */
  inMailbox<T>(path: string, fn: (client: ImapFlow, mailbox: MailboxObject, turn: Turn) => Promise<T>, opts: TurnOptions & { write?: boolean; uid?: number } = {}): Promise<T> {
    const arrival = this.#arrivals++;
    return this.#run({ ...opts, path }, async (turn) => {
      const attempt = async (t: Turn) => fn(t.client, await this.#select(t.client, path, arrival, opts), t);
      try {
        return await attempt(turn);
      } catch (err) {
        // a server may hang up on a read (Dovecot does once the selected folder was deleted):
        // a read has changed nothing, so a new connection gets one more try
        if (opts.write || turn.client.usable || this.#closed) throw err;
        expireCheck(opts.deadline);
        return attempt({ ...turn, client: await this.#connected() });
      }
    });
  }

  /** `path` opened and current for a read that arrived as number `arrival`. */
  async #select(client: ImapFlow, path: string, arrival: number, opts: { write?: boolean; uid?: number }): Promise<MailboxObject> {
    const current = client.mailbox;
    // an EXAMINEd folder cannot store flags or expunge; a SELECTed one serves reads as well
    // (imapflow fetches with BODY.PEEK, so reading never sets \Seen)
    const fits = current && current.path === path && (!opts.write || current.readOnly !== true);
    const covers = this.#arrivals;
    if (!fits) {
      const mailbox = await client.mailboxOpen(path, { readOnly: !opts.write });
      this.#view = { client, path, covers };
      return mailbox;
    }
    if (!this.#current(client, path, arrival, opts.uid)) {
      await client.noop();
      this.#view = { client, path, covers };
    }
    return client.mailbox || current;
  }

  /**
   * Whether the selected folder's view already shows this read what other clients did. A
   * kept selection sees their changes only once synced (RFC 3501 §6.1.2 NOOP): a SEARCH or a
   * page by sequence numbers would otherwise act on an old view. A NOOP that started after
   * the read arrived serves it as well as its own would (reads queued together share one); a
   * message the view already knows needs none (gone meanwhile, it is simply not found).
   */
  #current(client: ImapFlow, path: string, arrival: number, uid: number | undefined): boolean {
    if (uid !== undefined && client.mailbox && uid < Number(client.mailbox.uidNext)) return true;
    const view = this.#view;
    return view !== null && view.client === client && view.path === path && arrival < view.covers;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#turns.run(async () => this.#drop());
  }

  #run<T>(opts: TurnOptions, fn: (turn: Turn) => Promise<T>): Promise<T> {
    return this.#turns.run(async () => {
      // R3: a caller that has given up gets nothing done on its behalf (a 504 means "not done")
      expireCheck(opts.deadline);
      const client = await this.#connected();
      expireCheck(opts.deadline);
      this.#errors.clear();
      const must: Must = (result, what, path = opts.path) => {
        if (result !== false) return result as Exclude<typeof result, false>;
        const err = this.#errors.take();
        throw err ? classifyCommandError(err, path) : new ApiError('UpstreamRejected', `The IMAP server did not ${what}`);
      };
      try {
        return await fn({ client, must, live: () => expireCheck(opts.deadline) });
      } catch (err) {
        throw classifyCommandError(err, opts.path, opts.made);
      } finally {
        this.#armIdle();
      }
    });
  }

  async #connected(): Promise<ImapFlow> {
    if (this.#closed) throw new ApiError('NotConnected', 'Account is being stopped');
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    if (this.#client?.usable) return this.#client;
    const down = this.#opts.down?.();
    if (down) throw down;
    await this.#drop();
    let client: ImapFlow | null = null;
    try {
      client = await this.#opts.open(this.#errors.logger);
      client.on('error', (err: Error) => this.#opts.log.debug({ err: err.message }, 'API connection error'));
      await client.connect();
    } catch (err) {
      client?.close();
      const failure = client ? classifyConnectError(err) : { message: (err as Error).message };
      throw new ApiError('NotConnected', `Could not open an IMAP connection for the API: ${failure.message}`);
    }
    this.#client = client;
    return client;
  }

  #armIdle(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      // closing happens in a turn of its own so it never cuts a command short
      void this.#turns.run(async () => { if (this.#turns.waiting === 0) await this.#drop(); });
    }, this.#opts.idleClose);
  }

  async #drop(): Promise<void> {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    const client = this.#client;
    this.#client = null;
    this.#view = null;
    this.entries.clear();
    if (!client) return;
    if (client.usable) await client.logout().catch(() => undefined);
    client.close();
  }
}

function expireCheck(deadline: number | undefined): void {
  if (deadline !== undefined && Date.now() > deadline) {
    throw new ApiError('DeadlineExceeded', 'The request waited past its deadline for the IMAP connection and was not carried out');
  }
}
