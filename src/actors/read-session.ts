// The second, short-lived IMAP connection an account uses for API reads, so the IDLE
// connection on INBOX is never interrupted by them. Opened on first use, closed when idle;
// reads take FIFO turns on it so commands and folder selections never interleave.
import type { ImapFlow, MailboxObject } from 'imapflow';
import { ApiError } from '../errors.js';
import { classifyCommandError } from '../imap/classify-command.js';
import { classifyConnectError } from '../imap/classify.js';
import type { Logger } from '../log.js';
import { Fifo } from './fifo.js';

export interface ReadSessionOptions {
  /** creates a new, unconnected client with the account's settings */
  open: () => ImapFlow;
  log: Logger;
  /** close the connection after this long without reads, ms */
  idleClose: number;
}

export class ReadSession {
  readonly #opts: ReadSessionOptions;
  readonly #turns = new Fifo();
  #client: ImapFlow | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(opts: ReadSessionOptions) {
    this.#opts = opts;
  }

  get queued(): number {
    return this.#turns.waiting;
  }

  /** Run `fn` in its turn with the connection, no folder selected in particular;
   *  `path` names the folder the command is about, for a 404 when it does not exist. */
  withClient<T>(fn: (client: ImapFlow) => Promise<T>, path?: string): Promise<T> {
    return this.#turns.run(async () => {
      const client = await this.#connected();
      try {
        return await fn(client);
      } catch (err) {
        throw classifyCommandError(err, path);
      } finally {
        this.#armIdle();
      }
    });
  }

  /** Run `fn` in its turn with `path` opened read-only (EXAMINE). */
  inMailbox<T>(path: string, fn: (client: ImapFlow, mailbox: MailboxObject) => Promise<T>): Promise<T> {
    return this.#turns.run(async () => {
      const client = await this.#connected();
      try {
        const current = client.mailbox;
        const mailbox = current && current.path === path ? current : await client.mailboxOpen(path, { readOnly: true });
        return await fn(client, mailbox);
      } catch (err) {
        throw classifyCommandError(err, path);
      } finally {
        this.#armIdle();
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#turns.run(async () => this.#drop());
  }

  async #connected(): Promise<ImapFlow> {
    if (this.#closed) throw new ApiError('NotConnected', 'Account is being stopped');
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    if (this.#client?.usable) return this.#client;
    await this.#drop();
    const client = this.#opts.open();
    client.on('error', (err: Error) => this.#opts.log.debug({ err: err.message }, 'read connection error'));
    try {
      await client.connect();
    } catch (err) {
      client.close();
      const failure = classifyConnectError(err);
      throw new ApiError('NotConnected', `Could not open an IMAP connection for reading: ${failure.message}`);
    }
    this.#client = client;
    return client;
  }

  #armIdle(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      // closing happens in a turn of its own so it never cuts a read short
      void this.#turns.run(async () => { if (this.#turns.waiting === 0) await this.#drop(); });
    }, this.#opts.idleClose);
  }

  async #drop(): Promise<void> {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    const client = this.#client;
    this.#client = null;
    if (!client) return;
    if (client.usable) await client.logout().catch(() => undefined);
    client.close();
  }
}
