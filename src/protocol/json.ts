// JSON text of a value that may hold BigInts (IMAP mod-sequences, sent as strings), written
// once for the front and the shards: a shard can answer the front already encoded.

// a replacer slows every stringify, and few values hold a BigInt: it is used only after a TypeError
const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

export function toJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (err instanceof TypeError) return JSON.stringify(value, replacer);
    throw err;
  }
}

/** The JSON text of a `T`, as a shard encoded it for the front to write as is. */
export type JsonOf<T> = string & { readonly __of?: T };
