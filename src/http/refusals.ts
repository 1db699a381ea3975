// The recent validation refusals of one route, by raw path parameters and query string: a
// client that repeats a bad request (a loop on a broken integration) is answered from here,
// without parsing and checking it again. Bounded; the oldest entry goes first.
import { ApiError, validationError, type FieldProblem } from '../errors.js';

const MAX_ENTRIES = 256;
/** keys longer than this are not kept (a refused request that long is rarely repeated) */
const MAX_KEY = 2048;

export class Refusals {
  readonly #entries = new Map<string, { message: string; problems: FieldProblem[] }>();

  /** A fresh 400 for a request refused before, or undefined. */
  get(key: string): ApiError | undefined {
    const hit = this.#entries.get(key);
    return hit ? validationError(hit.problems, hit.message) : undefined;
  }

  /** Remember `err` for `key` when it is a validation refusal (the check is a pure function of the key). */
  keep(key: string, err: unknown): void {
    if (!(err instanceof ApiError) || err.code !== 'ValidationError' || !Array.isArray(err.details) || key.length > MAX_KEY) return;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { message: err.message, problems: err.details });
  }
}
