// The front thread's HTTP server: uWebSockets.js with a check that the native binding, not
// the slow pure-JS fallback, is what got loaded.
import uWS from 'uWebSockets.js';
import type { Logger } from '../log.js';
import { mountRoutes } from './mount.js';
import { mountStream, type StreamOptions } from './ws.js';
import type { AnyRoute, RouteContext } from './route.js';

/** Throws unless the native uWS binding is loaded (the package silently falls back to JS). */
export function assertNativeBinding(): void {
  const mod = uWS as unknown as Record<string, unknown>;
  if (typeof mod.getParts !== 'function' || typeof mod.SSLApp !== 'function') {
    throw new Error('uWebSockets.js native binding is not loaded (fallback implementation detected); refusing to start');
  }
}

export interface HttpServer {
  port: number;
  /** stop accepting new connections and close open ones */
  close(): void;
}

export interface HttpOptions {
  host: string;
  port: number;
  maxBody: number;
  /** body limit of the routes that take whole messages (uploads, sends) */
  maxUpload: number;
  log: Logger;
  routes: readonly AnyRoute[];
  ctx: RouteContext;
  stream: StreamOptions;
}

export function startHttp(opts: HttpOptions): Promise<HttpServer> {
  assertNativeBinding();
  const app = uWS.App();
  // the stream before the routes: their catch-all 404 would otherwise take /v1/stream
  const closeStreams = mountStream(app, opts.ctx.events, opts.stream);
  mountRoutes(app, opts.routes, opts.ctx, { maxBody: opts.maxBody, maxUpload: opts.maxUpload, log: opts.log });
  return new Promise((resolve, reject) => {
    app.listen(opts.host, opts.port, (socket) => {
      if (!socket) return reject(new Error(`Cannot listen on ${opts.host}:${opts.port} (in use or not permitted)`));
      resolve({
        port: uWS.us_socket_local_port(socket as unknown as uWS.us_socket),
        close() {
          uWS.us_listen_socket_close(socket);
          closeStreams();
          // close() exists on the app but is missing from the typings of this build.
          (app as unknown as { close?: () => void }).close?.();
        },
      });
    });
  });
}
