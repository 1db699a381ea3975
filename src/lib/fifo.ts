// A first-in first-out mutex: callers run one at a time in arrival order, so concurrent API
// commands of one account take fair turns on its IMAP connection.

export class Fifo {
  #tail: Promise<unknown> = Promise.resolve();
  #waiting = 0;
  #active = 0;

  get waiting(): number {
    return this.#waiting;
  }

  /** Nothing running and nothing waiting. */
  get idle(): boolean {
    return this.#active === 0;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    this.#waiting++;
    this.#active++;
    const turn = this.#tail.then(() => {
      this.#waiting--;
      return fn();
    });
    this.#tail = turn.catch(() => undefined).finally(() => { this.#active--; });
    return turn;
  }
}
