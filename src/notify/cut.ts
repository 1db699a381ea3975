// Pure helpers of notify content: cutting decoded text to a byte budget on a character boundary,
// picking the asked-for headers, and running async work over a list with a cap on concurrency.

/** `text` cut to at most `max` UTF-8 bytes, never inside a character; max 0 = no cut. */
export function cutUtf8(text: string, max: number): { text: string; cut: boolean } {
  if (max <= 0) return { text, cut: false };
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.byteLength <= max) return { text, cut: false };
  let end = max;
  // step back over continuation bytes (10xxxxxx) to the start of the cut character
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), cut: true };
}

/** The headers named in `wanted` (lower-case; '*' = all) that the message has. */
export function pickHeaders(all: Record<string, string[]>, wanted: readonly string[]): Record<string, string[]> {
  if (wanted.includes('*')) return all;
  const out: Record<string, string[]> = {};
  for (const name of wanted) if (Object.hasOwn(all, name)) out[name] = all[name]!;
  return out;
}

/** `fn` over `items` with at most `limit` running at once; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
