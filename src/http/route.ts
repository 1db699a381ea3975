// A route is a plain value: method, path, schemas, documented errors and a small handler.
// The same list feeds the uWS mounter, the validators and (later) the OpenAPI document.
import type { Static, TObject, TSchema } from 'typebox';
import type { ErrorCode } from '../errors.js';
import type { ShardCaller, WebhookCaller } from '../protocol/caller.js';
import type { ParsePool } from '../parse/pool.js';
import type { EventReader } from '../events/feed.js';
import type { EventContent } from '../notify/content.js';
import type { SettingsView } from '../schemas/settings.js';
import type { LoopDelayView } from '../schemas/system.js';
import type { AccountStateSource } from './account-states.js';
import type { Scope, TokenView } from '../schemas/tokens.js';
import type { NewToken, TokenRecord } from '../store/tokens.js';
import type { JsonText } from './reply.js';

export type Method = 'get' | 'post' | 'put' | 'delete';

/** The token scope a route needs: public = no token ever; any = any valid token (no account data). */
export type RouteScope = Scope | 'public' | 'any';

/** The API tokens as the token routes change them (the cache the check reads). */
export interface TokenAdmin {
  /** no token exists: the API is open (the quick-start posture) */
  readonly open: boolean;
  create(input: NewToken): Promise<{ token: string; record: TokenRecord }>;
  list(): TokenView[];
  revoke(id: string): Promise<boolean>;
}

export interface RouteContext {
  shards: ShardCaller;
  /** settings, dead letters and test deliveries live in the webhook worker */
  webhooks: WebhookCaller;
  /** MIME decoding off the event loop */
  parser: Pick<ParsePool, 'run'>;
  /** the event log as committed so far */
  events: EventReader;
  /** live account state changes, as the shards report them (never logged) */
  states: AccountStateSource;
  /** what readers of the log get: messageNew completed with text and headers when the settings say so */
  content: Pick<EventContent, 'payloads'>;
  /** after a settings write: the front and every shard take the new values */
  settingsChanged(view: SettingsView, opts: { resetLoggedAccounts: boolean }): Promise<void>;
  /** process start, ms since epoch */
  startedAt: number;
  /** the front thread's event-loop delay (lib/loop-delay.ts) */
  loopDelay(): LoopDelayView;
  /** largest message (decoded bytes) a route may upload or send */
  maxMessageSize: number;
  tokens: TokenAdmin;
}

type Empty = TObject<{}>;

export interface RouteInput<P extends TSchema, Q extends TSchema, B extends TSchema> {
  params: Static<P>;
  query: Static<Q>;
  body: Static<B>;
  /** the request headers the route named in `headers` (lower-case), '' when absent */
  headers: Record<string, string>;
}

export interface Route<P extends TSchema = Empty, Q extends TSchema = Empty, B extends TSchema = Empty, R extends TSchema = TSchema> {
  method: Method;
  /** OpenAPI-style path, `{name}` for parameters */
  path: string;
  summary: string;
  tags: string[];
  /** the token scope it needs once tokens exist (admin implies every scope) */
  scope: RouteScope;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** request headers the handler reads (lower-case names) */
  headers?: readonly string[];
  /** a WebSocket (status 101, `response` = one frame): http/ws.ts mounts the upgrade, the
   *  handler answers a plain GET */
  upgrade?: true;
  /** an empty body counts as `{}` (e.g. the original's optional `{ reconnect: true }`) */
  optionalBody?: true;
  /** the body may be as large as a whole message upload, not just `--max-body` */
  largeBody?: true;
  /** a GET that changes state (the OAuth2 callback spends its code): HEAD is a 405, never a run */
  noHead?: true;
  /** the answer holds a credential: Cache-Control: no-store (RFC 6749 §5.1) */
  noStore?: true;
  /** success status, 200 unless said otherwise */
  status?: number;
  /** error codes this route can answer with, besides validation */
  errors: ErrorCode[];
  /** the answer, or its JSON text as a shard encoded it (JsonText) */
  handle(input: RouteInput<P, Q, B>, ctx: RouteContext): Promise<Static<R> | JsonText<Static<R>>>;
  /** answer with this status when the handler result says so (e.g. /health) */
  statusOf?: (result: Static<R>) => number;
}

/** Identity, for inference of the schema types of one route. */
export function defineRoute<P extends TSchema = Empty, Q extends TSchema = Empty, B extends TSchema = Empty, R extends TSchema = TSchema>(
  route: Route<P, Q, B, R>,
): Route<P, Q, B, R> {
  return route;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = Route<any, any, any, any>;

/** `/v1/account/{account}` → `/v1/account/:account`, and the parameter names in order. */
export function toUwsPath(path: string): { pattern: string; names: string[] } {
  const names: string[] = [];
  const pattern = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return `:${name}`;
  });
  return { pattern, names };
}
