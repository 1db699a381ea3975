// A first-in first-out mutex: callers run one at a time in arrival order, so concurrent API
// reads of one account take fair turns on its IMAP connection.

export class Fifo {
  #tail: Promise<unknown> = Promise.resolve();
  #waiting = 0;

  get waiting(): number {
    return this.#waiting;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    this.#waiting++;
    const turn = this.#tail.then(() => {
      this.#waiting--;
      return fn();
    });
    this.#tail = turn.catch(() => undefined);
    return turn;
  }
}
