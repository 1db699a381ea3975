// The text of a small message decoded on the shard that fetched it when nothing else waits for
// the account: then the trip to the parse pool and back (two thread wake-ups, 0.25–0.6 ms here)
// costs more than decoding (~0.1 ms). Large texts, and reads queued behind others, use the pool.
import type { ParseTextResult, TextPartInput } from '../../parse/types.js';

/** Text parts plus header block up to this many bytes are decoded here. */
export const SMALL_TEXT_BYTES = 16 * 1024;

// loaded on the first small message (one ~0.1 s stall of that shard): a shard that never
// serves one never loads mailparser
let decoder: Promise<typeof import('../../parse/text.js')> | null = null;

/**
 * The decoded text when `parts` and `headers` are small and `queued` (reads waiting for the
 * account's connection) is 0, else null: the front's pool decodes them, on another core.
 */
export async function decodeIfSmall(queued: number, parts: TextPartInput[], headers?: Uint8Array): Promise<ParseTextResult | null> {
  if (queued > 0) return null;
  const bytes = parts.reduce((n, p) => n + p.body.byteLength, headers?.byteLength ?? 0);
  if (bytes > SMALL_TEXT_BYTES) return null;
  decoder ??= import('../../parse/text.js');
  const { parseText } = await decoder;
  return parseText(headers ? { kind: 'text', parts, headers } : { kind: 'text', parts });
}
