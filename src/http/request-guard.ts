// Requests a browser could be tricked into sending: a page of another origin (CSRF, reading the
// stream over a WebSocket, which no CORS rule covers) and, on a loopback-only server, a name
// that was rebound to 127.0.0.1 (DNS rebinding). Both are refused before anything else runs.
import { ApiError } from '../errors.js';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether the server listens on a loopback address only (then Host must name one too). */
export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const hostnameOf = (hostHeader: string) => {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(hostHeader.trim().toLowerCase());
  return m ? m[1]! : '';
};

export interface RequestGuard {
  /** an error for a request that must not be served, else null */
  check(host: string, origin: string): ApiError | null;
}

/** `loopbackOnly`: the server listens on 127.0.0.1 / ::1 / localhost. */
export function requestGuard(loopbackOnly: boolean): RequestGuard {
  return {
    check(host, origin) {
      if (loopbackOnly && host && !isLoopback(hostnameOf(host))) {
        return new ApiError('Forbidden', `This server listens on a loopback address and answers requests for 127.0.0.1, localhost or [::1] only, not "${host.slice(0, 100)}"`, { reason: 'host' });
      }
      // same origin (or no browser involved): the Origin's host:port is the Host header
      if (origin && !sameOrigin(origin, host)) {
        return new ApiError('Forbidden', `Requests from another origin (${origin.slice(0, 100)}) are refused: call this API from a server, or from a page this server serves`, { reason: 'origin' });
      }
      return null;
    },
  };
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host.trim().toLowerCase();
  } catch {
    return false; // "null" (a sandboxed frame, a file: page) or garbage
  }
}
