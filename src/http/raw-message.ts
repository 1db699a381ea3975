// The raw RFC 822 message of an upload or a submission: base64 in the JSON body, decoded with
// its size checked against --max-message-size before and after decoding.
import { ApiError, validationError } from '../errors.js';

// the smallest thing that is a message: a header field before the first empty line (RFC 5322 §2.1)
const HEADER_FIELD = /^[!-9;-~]+[ \t]*:/;

/** The decoded upload, or a 413 naming the limit / a 400 when it is not a message. */
export function decodeRaw(b64: string, limit: number): Uint8Array {
  // 3 bytes per 4 characters: refuse before decoding what is too big to keep
  if (Math.floor(b64.replace(/[\r\n]/g, '').length * 3 / 4) > limit + 2) throw tooLarge(limit);
  const raw = Buffer.from(b64, 'base64');
  if (raw.byteLength > limit) throw tooLarge(limit);
  if (!HEADER_FIELD.test(raw.subarray(0, 1000).toString('latin1'))) {
    throw validationError([{ field: 'raw', reason: 'is not an RFC 822 message (it must start with a header field)' }], 'Invalid body');
  }
  // a copy that owns its memory moves to the shard instead of being cloned
  return new Uint8Array(raw);
}

export function tooLarge(limit: number): ApiError {
  return new ApiError('PayloadTooLarge', `The message is larger than the limit of ${limit} bytes (--max-message-size)`, { limit });
}
