// The WebSocket change stream (/v1/stream): the upgrade (query checked like any route's), and
// each consumer's life: replay from `since`, live events, account states (stream-events.ts,
// stream-states.ts). A consumer that falls too far behind is closed with 1008 and resumes by `since`.
import type { TemplatedApp } from 'uWebSockets.js';
import type { RouteContext } from './route.js';
import { ApiError } from '../errors.js';
import { Exchange } from './reply.js';
import { StreamQuery } from '../schemas/events.js';
import { compileValidator, queryParser } from './validate.js';
import { eventDelivery, REPLAY_PAUSE, type Consumer, type Socket } from './stream-events.js';
import { stateFrames } from './stream-states.js';
import { admit, type Admission } from './admission.js';
import { MAX_WS_FRAME } from './limits.js';

/** `guard` matters most here: no CORS rule protects a WebSocket; a token limited to one
 *  account follows that account only. */
export interface StreamOptions extends Admission {
  /** bytes queued for one consumer before a live consumer counts as too slow */
  maxQueued: number;
  /** open stream connections; more are refused at the upgrade (429) */
  maxStreams: number;
}

/** Mounts /v1/stream; the returned function says goodbye (1001) to every consumer on shutdown. */
export function mountStream(app: TemplatedApp, ctx: Pick<RouteContext, 'events' | 'content' | 'states'>, opts: StreamOptions): () => void {
  const check = compileValidator(StreamQuery, 'query');
  const parse = queryParser(StreamQuery);
  const open = new Set<Socket>();
  const events = eventDelivery(ctx, opts.maxQueued, open, (ws) => states.live(ws));
  const states = stateFrames(ctx.states, open, events.tooSlow);
  const head = () => ctx.events.head;

  app.ws<Consumer>('/v1/stream', {
    idleTimeout: 120,
    maxPayloadLength: MAX_WS_FRAME,
    maxBackpressure: 64 * 1024 * 1024,
    closeOnBackpressureLimit: 1,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      let consumer: Consumer;
      try {
        const who = admit(opts, req, res, 'stream', true);
        if (open.size >= opts.maxStreams) throw tooManyStreams(opts.maxStreams);
        const q = check.check(parse(req.getQuery() ?? '')) as { since?: string; account?: string[]; states?: boolean };
        if (who?.account !== undefined) q.account = [who.account];
        const since = q.since === undefined ? head() : Math.min(Number(q.since), head());
        consumer = {
          accounts: q.account?.length ? new Set(q.account) : null, states: q.states === true,
          cursor: since, sent: since, live: false, closed: false, replaying: false, chain: null,
        };
      } catch (err) {
        new Exchange(res).error(err instanceof ApiError ? err : new ApiError('ValidationError', 'Invalid stream request'));
        return;
      }
      res.upgrade(consumer, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      open.add(ws);
      events.replay(ws);
    },
    drain: (ws) => {
      const c = ws.getUserData();
      if (!c.live && !c.closed && !c.replaying && ws.getBufferedAmount() < REPLAY_PAUSE) events.replay(ws);
    },
    close: (ws) => {
      ws.getUserData().closed = true;
      open.delete(ws);
    },
  });
  return () => {
    events.stop();
    states.stop();
    for (const ws of [...open]) {
      const c = ws.getUserData();
      c.closed = true;
      ws.end(1001, `Server shutting down; reconnect with since=${c.sent}`);
    }
  };
}

function tooManyStreams(limit: number): ApiError {
  return new ApiError('TooManyRequests', `${limit} stream connections are open, the limit (--max-streams); retry later`, { limit });
}
