// Picks the byte arrays in a message that can be transferred instead of copied: only those
// that own their whole ArrayBuffer (transferring a pooled slice would detach its neighbours).

/** A Uint8Array that owns its buffer: `bytes` itself when it does, else a copy. */
export function owned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes : new Uint8Array(bytes);
}

/** ArrayBuffers of owning Uint8Arrays found in `value` (a few levels deep). */
export function transferables(value: unknown, depth = 4, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (value instanceof Uint8Array) {
    if (value.byteOffset === 0 && value.buffer instanceof ArrayBuffer && value.buffer.byteLength === value.byteLength && !out.includes(value.buffer)) out.push(value.buffer);
    return out;
  }
  if (depth === 0 || value === null || typeof value !== 'object') return out;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items.slice(0, 256)) transferables(item, depth - 1, out);
  return out;
}
