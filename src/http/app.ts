// The front thread's HTTP server: uWebSockets.js on a port of its own, with a check that the
// native binding, not the slow pure-JS fallback, is what got loaded.
import uWS from 'uWebSockets.js';
import type { Logger } from '../log.js';
import { listenError } from './listen-error.js';
import { mountAdmin } from './admin-page.js';
import { isLoopback, requestGuard } from './request-guard.js';
import { mountDocs } from './docs-page.js';
import { mountRoutes } from './mount.js';
import { mountStream, type StreamOptions } from './ws.js';
import type { TlsFiles } from './tls.js';
import type { AnyRoute, RouteContext } from './route.js';
import type { Gate } from './auth.js';

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
  stream: Omit<StreamOptions, 'guard' | 'gate'>;
  gate: Gate;
  /** checked certificate and key (http/tls.ts): HTTPS and WSS */
  tls?: TlsFiles | null;
  /** API requests one account may have in flight */
  accountConcurrency: number;
}

type ListenCallback = (socket: uWS.us_listen_socket | false) => void;
// uWS sets SO_REUSEPORT by default, so a second server on the port would start and take half
// the requests. LIBUS_LISTEN_EXCLUSIVE_PORT (1) makes that listen fail. The binding takes
// (host, port, options, cb) but these typings lack it, and ListenOptions is no runtime value.
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

function listenExclusive(app: uWS.TemplatedApp, host: string, port: number, cb: ListenCallback): void {
  (app as unknown as { listen(host: string, port: number, options: number, cb: ListenCallback): void })
    .listen(host, port, LIBUS_LISTEN_EXCLUSIVE_PORT, cb);
}

export function startHttp(opts: HttpOptions): Promise<HttpServer> {
  assertNativeBinding();
  const app = opts.tls
    ? uWS.SSLApp({ cert_file_name: opts.tls.certFile, key_file_name: opts.tls.keyFile, ...(opts.tls.passphrase ? { passphrase: opts.tls.passphrase } : {}) })
    : uWS.App();
  // the stream before the routes: their catch-all 404 would otherwise take /v1/stream
  const guard = requestGuard(isLoopback(opts.host));
  const closeStreams = mountStream(app, opts.ctx, { ...opts.stream, guard, gate: opts.gate });
  mountDocs(app, opts.gate);
  mountAdmin(app);
  mountRoutes(app, opts.routes, opts.ctx, { maxBody: opts.maxBody, maxUpload: opts.maxUpload, log: opts.log, guard, gate: opts.gate, accountConcurrency: opts.accountConcurrency });
  return new Promise((resolve, reject) => {
    listenExclusive(app, opts.host, opts.port, (socket) => {
      if (!socket) return void listenError(opts.host, opts.port).then(reject);
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
