// Reads a request body with a size limit (413 as soon as it is exceeded) and parses JSON.
import type { HttpResponse } from 'uWebSockets.js';
import { ApiError } from '../errors.js';

/** Collect the body; rejects with 413 once more than `limit` bytes arrive or are announced. */
export function readBody(res: HttpResponse, limit: number, contentLength: string): Promise<Buffer> {
  const announced = contentLength ? Number(contentLength) : NaN;
  if (announced > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    res.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > limit) {
        done = true;
        return reject(tooLarge(limit));
      }
      // uWS reuses the ArrayBuffer after the callback returns, so copy it now.
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) {
        done = true;
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      }
    });
  });
}

function tooLarge(limit: number): ApiError {
  return new ApiError('PayloadTooLarge', `Request body is larger than the limit of ${limit} bytes`, { limit });
}

/** Parse a JSON body; an empty body is `undefined` so the schema can say it is required. */
export function parseJson(buf: Buffer, contentType: string): unknown {
  if (buf.length === 0) return undefined;
  // a body without the JSON type is refused too: a page of another origin can send one of
  // those (text/plain or none) without a CORS preflight, the JSON type needs one
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new ApiError('UnsupportedMediaType', contentType ? `Expected an application/json body, got "${contentType.slice(0, 100)}"` : 'A request body needs Content-Type: application/json');
  }
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new ApiError('InvalidJson', `Request body is not valid JSON: ${withoutExcerpt((err as Error).message)}`);
  }
}

/** V8 quotes the body around a bad token (`Unexpected token 'S', "{"pass":S3…" is not valid
 *  JSON`): that excerpt may hold a password, and an error must never echo one. */
function withoutExcerpt(message: string): string {
  const cut = message.search(/, (?:\.\.\.)?"/);
  return cut > 0 && message.endsWith('is not valid JSON') ? message.slice(0, cut) : message;
}
