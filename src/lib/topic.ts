// A tiny in-process publish/subscribe: values handed to whoever listens now, kept nowhere.

export interface Subscribable<T> {
  /** `fn` gets every value published from now on; the returned function stops that */
  subscribe(fn: (value: T) => void): () => void;
}

export class Topic<T> implements Subscribable<T> {
  readonly #subs = new Set<(value: T) => void>();

  subscribe(fn: (value: T) => void): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }

  /** Every subscriber gets the value; one that throws is reported to `onError` and the
   *  others still get it (a publisher runs in a message handler that must not throw). */
  publish(value: T, onError: (err: unknown) => void): void {
    for (const fn of this.#subs) {
      try {
        fn(value);
      } catch (err) {
        onError(err);
      }
    }
  }
}
