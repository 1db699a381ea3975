// The calls waiting for their replies, by their sequential ids: a fixed ring of slots (id &
// mask) for the many short calls, and a Map for the few still pending when their slot comes
// round again. Measured: a Map with a set and a delete per call (tens of thousands a second)
// doubled the front's scavenge pauses, its rehashed tables being promoted again and again.

interface Slot<T> { id: number; value: T }

export class CallTable<T> {
  readonly #slots: (Slot<T> | undefined)[];
  readonly #mask: number;
  /** calls that outlived a lap of the ring (downloads, slow servers): few, so a Map is fine */
  readonly #long = new Map<number, T>();
  #inRing = 0;

  constructor(capacity = 4096) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, capacity)));
    this.#slots = new Array<Slot<T> | undefined>(size).fill(undefined);
    this.#mask = size - 1;
  }

  get size(): number {
    return this.#inRing + this.#long.size;
  }

  get(id: number): T | undefined {
    const slot = this.#slots[id & this.#mask];
    return slot !== undefined && slot.id === id ? slot.value : this.#long.get(id);
  }

  /** Ids are new each time (a counter): an id already held is a caller's bug, not handled. */
  set(id: number, value: T): void {
    const i = id & this.#mask;
    const older = this.#slots[i];
    if (older !== undefined) this.#long.set(older.id, older.value);
    else this.#inRing++;
    this.#slots[i] = { id, value };
  }

  delete(id: number): boolean {
    const i = id & this.#mask;
    const slot = this.#slots[i];
    if (slot === undefined || slot.id !== id) return this.#long.delete(id);
    this.#slots[i] = undefined;
    this.#inRing--;
    return true;
  }

  *values(): IterableIterator<T> {
    for (const slot of this.#slots) if (slot !== undefined) yield slot.value;
    yield* this.#long.values();
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#long.clear();
    this.#inRing = 0;
  }
}
