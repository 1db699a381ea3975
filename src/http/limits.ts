// Bounds on the request head that are ours to set: URL length (414) and header bytes (431).
// uWS adds two fixed bounds of its own that it enforces by closing the connection with no
// answer: a head over 4 KiB that arrives in more than one read, and more than 48 headers.
import type { HttpRequest } from 'uWebSockets.js';
import { ApiError } from '../errors.js';

/** path and query string together, bytes */
export const MAX_URL = 8 * 1024;
/** header names and values together (with ": " and CRLF), bytes */
export const MAX_HEADER_BYTES = 8 * 1024;
/** text a stream client may send in one WebSocket frame (it sends nothing: this is a bound) */
export const MAX_WS_FRAME = 1024;

/** Throws 414 or 431 naming the limit; reads the request synchronously, as uWS requires. */
export function checkHead(req: HttpRequest): void {
  const url = req.getUrl().length + (req.getQuery()?.length ?? 0);
  if (url > MAX_URL) {
    throw new ApiError('UriTooLong', `The URL is ${url} bytes long, more than the limit of ${MAX_URL} bytes`, { limit: MAX_URL, size: url });
  }
  let headers = 0;
  req.forEach((name, value) => { headers += name.length + value.length + 4; });
  if (headers > MAX_HEADER_BYTES) {
    throw new ApiError('HeadersTooLarge', `The request headers are ${headers} bytes, more than the limit of ${MAX_HEADER_BYTES} bytes`, { limit: MAX_HEADER_BYTES, size: headers });
  }
}
