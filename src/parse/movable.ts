// Wraps a task result so that piscina transfers its byte arrays to the caller instead of
// copying them (a top-level Piscina.move is the only kind piscina looks for).
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { ownedBuffers } from '../protocol/transfer.js';

/** `value` marked for piscina to post with the buffers of `views` in the transfer list. */
export function movable<T extends object>(value: T, views: Uint8Array[]): T {
  const wrapped = { [transferableSymbol]: ownedBuffers(views), [valueSymbol]: value };
  // piscina's worker unwraps it and posts `value` alone (worker.js onMessage): the caller gets a T
  return move(wrapped) as unknown as T;
}
