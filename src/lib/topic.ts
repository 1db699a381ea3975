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

  publish(value: T): void {
    for (const fn of this.#subs) fn(value);
  }
}
