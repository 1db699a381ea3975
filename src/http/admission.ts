// The door every API request and stream upgrade goes through, in one order: a head within its
// bounds, no foreign Origin (nor, on loopback, a foreign Host), then the API token for the scope.
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { credentialsOf, type Gate, type Principal } from './auth.js';
import { checkHead } from './limits.js';
import type { RequestGuard } from './request-guard.js';
import type { RouteScope } from './route.js';

export interface Admission {
  /** refuses cross-origin and (on loopback) foreign-Host requests */
  guard: RequestGuard;
  /** the API token check */
  gate: Gate;
}

/** Who calls, or throws the ApiError to answer with; read before the handler returns (uWS
 *  reuses `req`). `tokenInQuery`: the route takes `access_token` in its query. */
export function admit(door: Admission, req: HttpRequest, res: HttpResponse, scope: RouteScope, tokenInQuery: boolean): Principal {
  checkHead(req);
  const denied = door.guard.check(req.getHeader('host'), req.getHeader('origin'));
  if (denied) throw denied;
  // a public route takes anyone: no credentials to read
  return scope === 'public' ? null : door.gate.authorize(scope, credentialsOf(res, req, tokenInQuery));
}
