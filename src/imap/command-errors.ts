// imapflow answers a refused command with `false` and logs the server's reply instead of
// throwing it; this logger keeps that last error so the API can still say what the server said.
import type { ImapFlowOptions } from 'imapflow';

type ImapLogger = Exclude<ImapFlowOptions['logger'], false | undefined>;

export class CommandErrors {
  #last: unknown = null;

  /** Passed as the client's `logger`: only warnings and errors are kept, nothing is printed. */
  readonly logger: ImapLogger & { isLevelEnabled(level: string): boolean } = {
    debug: () => undefined,
    info: () => undefined,
    warn: (entry: { err?: unknown }) => { if (entry?.err) this.#last = entry.err; },
    error: (entry: { err?: unknown }) => { if (entry?.err) this.#last = entry.err; },
    // entries below warn are never built (imapflow serialises responses for debug entries)
    isLevelEnabled: (level: string) => level === 'warn' || level === 'error',
  };

  /** Forget what an earlier command left behind. */
  clear(): void {
    this.#last = null;
  }

  /** The error of the last refused command since clear(), if imapflow reported one. */
  take(): unknown {
    const last = this.#last;
    this.#last = null;
    return last;
  }
}

/** `result`, or the error of the refused command when it is `false`; `path`: the folder it was about. */
export type Must = <T>(result: T | false, what: string, path?: string) => Exclude<T, false>;
