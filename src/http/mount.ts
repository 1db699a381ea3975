// Mounts the route table on a uWS app: read what is needed from the request synchronously
// (uWS invalidates it on return), then body → validate → handler → reply.
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseJson, readBody } from './body.js';
import { Exchange, JsonText, TextReply } from './reply.js';
import { StreamReply, writeStream, writeStreamHead } from './stream-reply.js';
import { toUwsPath, type AnyRoute, type RouteContext } from './route.js';
import { compileValidator, queryParser, type Validator } from './validate.js';
import { accountBinding, type AccountBinding, type Principal } from './auth.js';
import { AccountGate } from './account-gate.js';
import { admit, type Admission } from './admission.js';
import { Refusals } from './refusals.js';

export interface MountOptions extends Admission {
  maxBody: number;
  /** body limit of routes that take whole messages */
  maxUpload: number;
  log: Logger;
  /** API requests one account may have in flight (429 beyond) */
  accountConcurrency: number;
}

const EMPTY: Validator = { check: (v) => v ?? {} };
const NO_STORE = { 'cache-control': 'no-store' };

function decodeParam(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError('ValidationError', `Path parameter "${name}" is not valid percent-encoding`, [{ field: name, reason: 'bad percent-encoding' }]);
  }
}

type RawInput = { params: Record<string, string>; query: string; body: unknown; headers: Record<string, string> };
type Input = { params: unknown; query: unknown; body: unknown; headers: Record<string, string> };

/** The checker of a route's request parts: the checked input, or the 400 to answer with —
 *  a path or query refusal is returned, not thrown, so it costs no exception on the way out
 *  (a bad body throws, inside the body's promise chain). */
function inputChecker(route: AnyRoute, names: string[], binding: AccountBinding, opts: MountOptions): (who: Principal, raw: RawInput) => Input | ApiError {
  const params = route.params ? compileValidator(route.params, 'params') : EMPTY;
  const query = route.query ? compileValidator(route.query, 'query') : EMPTY;
  const body = route.body ? compileValidator(route.body, 'body') : null;
  const parseQuery = queryParser(route.query);
  const refusals = new Refusals();
  /** the checked path parameters and query, or the 400 (remembered: a repeat is not checked again) */
  const pathAndQuery = (rawParams: Record<string, string>, rawQuery: string): { params: unknown; query: unknown } | ApiError => {
    const key = names.length ? `${rawQuery}\u0000${names.map((n) => rawParams[n]).join('\u0000')}` : rawQuery;
    const known = refusals.get(key);
    if (known) return known;
    try {
      return { params: params.check(rawParams), query: query.check(parseQuery(rawQuery)) };
    } catch (err) {
      refusals.keep(key, err);
      if (err instanceof ApiError) return err;
      throw err;
    }
  };
  return (who, raw) => {
    const pq = pathAndQuery(raw.params, raw.query);
    if (pq instanceof ApiError) return pq;
    const input = { params: pq.params, query: pq.query, body: body ? body.check(raw.body === undefined && route.optionalBody ? {} : raw.body) : undefined, headers: raw.headers };
    opts.gate.restrict(binding, who, { query: input.query, body: input.body });
    return input;
  };
}

function mountOne(app: TemplatedApp, route: AnyRoute, ctx: RouteContext, opts: MountOptions, perAccount: AccountGate): void {
  const { pattern, names } = toUwsPath(route.path);
  const body = route.body !== undefined;
  const success = route.status ?? 200;
  const binding = accountBinding(route);
  const tokenInQuery = route.query ? 'access_token' in ((route.query as { properties?: object }).properties ?? {}) : false;
  const prepare = inputChecker(route, names, binding, opts);
  const reply = (ex: Exchange, result: unknown) => {
    if (result instanceof StreamReply) {
      if (ex.aborted) result.port.close();
      else if (ex.head) ex.stream((res) => writeStreamHead(res, result));
      else ex.stream((res, onAbort) => writeStream(res, result, onAbort));
      return;
    }
    if (result instanceof JsonText) return ex.jsonText(success, result.text, route.noStore ? NO_STORE : undefined);
    if (result instanceof TextReply) return ex.text(success, result);
    ex.json(route.statusOf ? route.statusOf(result) : success, result, route.noStore ? NO_STORE : undefined);
  };
  const run = (ex: Exchange, input: Input, account: string | undefined): Promise<void> =>
    perAccount.run(account, () => route.handle(input, ctx)).then((result) => reply(ex, result));

  const handler = (head: boolean) => (res: HttpResponse, req: HttpRequest) => {
    const ex = new Exchange(res, head);
    try {
      // before the body is read: a refused caller never gets to send it
      const who = admit(opts, req, res, route.scope, tokenInQuery);
      const rawParams: Record<string, string> = {};
      names.forEach((name, i) => { rawParams[name] = decodeParam(req.getParameter(i) ?? '', name); });
      opts.gate.restrict(binding, who, { params: rawParams });
      const rawQuery = req.getQuery() ?? '';
      const headers: Record<string, string> = {};
      for (const name of route.headers ?? []) headers[name] = req.getHeader(name);
      const account = names.includes('account') ? rawParams.account : undefined;
      if (!body) {
        const input = prepare(who, { params: rawParams, query: rawQuery, body: undefined, headers });
        if (input instanceof ApiError) return fail(ex, input, opts.log);
        run(ex, input, account).catch((err) => fail(ex, err, opts.log));
        return;
      }
      const contentType = req.getHeader('content-type');
      readBody(res, route.largeBody ? opts.maxUpload : opts.maxBody, req.getHeader('content-length'))
        .then((buf) => {
          const input = prepare(who, { params: rawParams, query: rawQuery, body: parseJson(buf, contentType), headers });
          if (input instanceof ApiError) throw input;
          return run(ex, input, account);
        })
        .catch((err) => fail(ex, err, opts.log));
    } catch (err) {
      fail(ex, err, opts.log);
    }
  };
  if (route.method === 'get') {
    app.get(pattern, handler(false));
    // HEAD of every GET (RFC 9110 §9.3.2): the same status and headers, no body
    if (!route.noHead) app.head(pattern, handler(true));
    else app.head(pattern, (res) => new Exchange(res, true).error(new ApiError('MethodNotAllowed', `HEAD ${route.path} would act on the request: use GET`, { allow: 'GET' })));
  } else if (route.method === 'post') app.post(pattern, handler(false));
  else if (route.method === 'put') app.put(pattern, handler(false));
  else app.del(pattern, handler(false));
}

function fail(ex: Exchange, err: unknown, log: Logger): void {
  if (!(err instanceof ApiError)) log.error({ err }, 'unexpected error in a route');
  ex.error(err);
}

/** Mount every route, then a catch-all 404 for anything else. */
export function mountRoutes(app: TemplatedApp, routes: readonly AnyRoute[], ctx: RouteContext, opts: MountOptions): void {
  // a WebSocket route's upgrade is mounted by http/ws.ts (before these); its handler answers a plain GET
  const perAccount = new AccountGate(opts.accountConcurrency);
  for (const route of routes) mountOne(app, route, ctx, opts, perAccount);
  app.any('/*', (res, req) => {
    const ex = new Exchange(res, req.getMethod() === 'head');
    ex.error(new ApiError('RouteNotFound', `No route for ${req.getCaseSensitiveMethod()} ${req.getUrl()}`));
  });
}
