// Picks the byte arrays in a message that can be transferred instead of copied: only those
// that own their whole ArrayBuffer (transferring a pooled slice would detach its neighbours).

/** Whether `view` spans its whole ArrayBuffer, so moving the buffer takes nothing else along. */
export function ownsBuffer(view: Uint8Array): boolean {
  return view.byteOffset === 0 && view.buffer instanceof ArrayBuffer && view.buffer.byteLength === view.byteLength;
}

/** A Uint8Array that owns its buffer: `bytes` itself when it does, else a copy. */
export function owned(bytes: Uint8Array): Uint8Array {
  return ownsBuffer(bytes) ? bytes : new Uint8Array(bytes);
}

/** ArrayBuffers of the owning views in `views`, each once (a duplicate in a transfer list throws). */
export function ownedBuffers(views: Iterable<Uint8Array>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const view of views) if (ownsBuffer(view)) out.add(view.buffer as ArrayBuffer);
  return [...out];
}

/** ArrayBuffers of owning Uint8Arrays found in `value` (a few levels deep). */
export function transferables(value: unknown, depth = 4, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (value instanceof Uint8Array) {
    if (ownsBuffer(value) && !out.includes(value.buffer as ArrayBuffer)) out.push(value.buffer as ArrayBuffer);
    return out;
  }
  if (depth === 0 || value === null || typeof value !== 'object') return out;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items.slice(0, 256)) transferables(item, depth - 1, out);
  return out;
}
