// Static files held in memory and served by the front thread with an ETag and Cache-Control,
// answering 304 to a matching If-None-Match. Used by the docs page (and the admin page later).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { ApiError } from '../errors.js';
import { Exchange } from './reply.js';

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** strong validator: a hash of the bytes, quoted as RFC 9110 §8.8.3 wants */
  etag: string;
  cacheControl: string;
  /** extra response headers (e.g. a Content-Security-Policy on a page) */
  headers?: Record<string, string>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** Content type for a file name, by its extension. */
export function contentTypeOf(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** A file from bytes or text; the content type comes from `name` unless given. */
export function staticFile(name: string, body: Buffer | string, opts: { cacheControl: string; contentType?: string; headers?: Record<string, string> }): StaticFile {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
  const file: StaticFile = { body: bytes, contentType: opts.contentType ?? contentTypeOf(name), etag, cacheControl: opts.cacheControl };
  if (opts.headers) file.headers = opts.headers;
  return file;
}

/** Read a file from disk once (at start-up) into a StaticFile. */
export function readStatic(path: string, cacheControl: string): StaticFile {
  return staticFile(path, readFileSync(path), { cacheControl });
}

/** If-None-Match is a list of entity tags or `*`; weak ones compare equal here (RFC 9110 §13.1.2). */
export function matchesEtag(ifNoneMatch: string, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function write(res: HttpResponse, file: StaticFile, ifNoneMatch: string, head: boolean): void {
  res.cork(() => {
    const fresh = matchesEtag(ifNoneMatch, file.etag);
    res.writeStatus(fresh ? '304 Not Modified' : '200 OK');
    res.writeHeader('etag', file.etag).writeHeader('cache-control', file.cacheControl);
    if (!fresh) res.writeHeader('content-type', file.contentType).writeHeader('x-content-type-options', 'nosniff');
    if (file.headers) for (const [k, v] of Object.entries(file.headers)) res.writeHeader(k, v);
    // a 304 and a HEAD carry no body; HEAD reports the length a GET would send. This uWS
    // build counts endWithoutBody(length) as no answer (and aborts the process), so set it here.
    if (!fresh && head) res.writeHeader('content-length', String(file.body.length));
    if (fresh || head) res.endWithoutBody();
    else res.end(file.body);
  });
}

type Lookup = (req: HttpRequest, res: HttpResponse) => StaticFile | undefined;

function handler(lookup: Lookup, head: boolean) {
  return (res: HttpResponse, req: HttpRequest) => {
    // uWS invalidates req on return; read everything first. A file read on first use may fail
    // (a package missing from node_modules): a 500 for this request, never a thrown uWS callback
    let file: StaticFile | undefined;
    try {
      file = lookup(req, res);
    } catch (err) {
      return new Exchange(res, head).error(err);
    }
    const ifNoneMatch = req.getHeader('if-none-match');
    if (file) return write(res, file, ifNoneMatch, head);
    new Exchange(res, head).error(new ApiError('RouteNotFound', `No file ${req.getUrl()}`));
  };
}

/** Serve one file at each of `paths` (GET and HEAD); `file` is asked for at each request (and
 *  may throw an ApiError to answer with instead, e.g. a refused token). */
export function mountFile(app: TemplatedApp, paths: readonly string[], file: (req: HttpRequest, res: HttpResponse) => StaticFile): void {
  for (const path of paths) {
    app.get(path, handler(file, false));
    app.head(path, handler(file, true));
  }
}

/** Serve `files` by name under `prefix` (`/docs/assets` → `/docs/assets/<name>`); other names get the JSON 404. */
export function mountDir(app: TemplatedApp, prefix: string, files: () => ReadonlyMap<string, StaticFile>): void {
  const lookup = (req: HttpRequest) => files().get(req.getParameter(0) ?? '');
  app.get(`${prefix}/:file`, handler(lookup, false));
  app.head(`${prefix}/:file`, handler(lookup, true));
}
