// The WebSocket change stream (/v1/stream): replays retained events after `since` from the
// log, then switches to live events at exactly the point the replay reached (no gap, no
// duplicate). A consumer that falls too far behind is closed with 1008 and resumes by `since`.
// With notifyText/notifyHeaders on, messageNew payloads are completed asynchronously; each
// consumer then gets its frames through a promise chain, so their order never changes.
// With states=true, account state changes are sent too, live only, as they come.
import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import type { EventPayload, StoredEvent } from '../events/types.js';
import type { RouteContext } from './route.js';
import { ApiError } from '../errors.js';
import { Exchange } from './reply.js';
import { StreamQuery } from '../schemas/events.js';
import { compileValidator, queryParser } from './validate.js';
import { checkHead, MAX_WS_FRAME } from './limits.js';

export interface StreamOptions {
  /** bytes queued for one consumer before a live consumer counts as too slow */
  maxQueued: number;
  /** open stream connections; more are refused at the upgrade (429) */
  maxStreams: number;
}

interface Consumer {
  accounts: Set<string> | null;
  /** also wants accountState frames */
  states: boolean;
  /** last event id taken on (sent, queued to send, or skipped by the filter) */
  cursor: number;
  /** last event id actually sent (or skipped): where a reconnect resumes */
  sent: number;
  live: boolean;
  closed: boolean;
  /** a replay batch is being completed with message content */
  replaying: boolean;
  /** live frames waiting for message content, in order */
  chain: Promise<void> | null;
}

type Ready = EventPayload[] | Promise<EventPayload[]>;

const REPLAY_BATCH = 500;
/** replay pauses above this many queued bytes and goes on when the socket drains */
const REPLAY_PAUSE = 256 * 1024;

/** Mounts /v1/stream; the returned function says goodbye (1001) to every consumer on shutdown. */
export function mountStream(app: TemplatedApp, ctx: Pick<RouteContext, 'events' | 'content' | 'states'>, opts: StreamOptions): () => void {
  const { events, content } = ctx;
  const check = compileValidator(StreamQuery, 'query');
  const parse = queryParser(StreamQuery);
  const open = new Set<WebSocket<Consumer>>();

  const send = (ws: WebSocket<Consumer>, p: EventPayload) => ws.send(JSON.stringify(p), false);
  const wanted = (c: Consumer, e: StoredEvent) => !c.accounts || c.accounts.has(e.account);
  const tooSlow = (ws: WebSocket<Consumer>) => {
    const c = ws.getUserData();
    if (c.closed || ws.getBufferedAmount() <= opts.maxQueued) return;
    c.closed = true;
    ws.end(1008, `Consumer too slow; reconnect with since=${c.sent}`.slice(0, 120));
  };

  /** Send the log from the cursor up to the feed's head, then go live (in one turn, so no gap). */
  const replay = (ws: WebSocket<Consumer>): void => {
    const c = ws.getUserData();
    for (;;) {
      const head = events.head;
      const batch = events.read(c.cursor, REPLAY_BATCH, c.accounts, head);
      const ready = content.payloads(batch);
      if (ready instanceof Promise) return replayLater(ws, batch, ready);
      for (const p of ready) send(ws, p);
      if (batch.length < REPLAY_BATCH) {
        c.cursor = c.sent = head;
        c.live = true;
        return;
      }
      c.cursor = c.sent = batch[batch.length - 1]!.id;
      if (ws.getBufferedAmount() > REPLAY_PAUSE) return; // drain() continues
    }
  };
  // events that came meanwhile are read by the next round: going live waits for a round that
  // completes in one turn
  const replayLater = (ws: WebSocket<Consumer>, batch: StoredEvent[], ready: Promise<EventPayload[]>) => {
    const c = ws.getUserData();
    c.replaying = true;
    void ready.then((payloads) => {
      c.replaying = false;
      if (c.closed) return;
      for (const p of payloads) send(ws, p);
      c.cursor = c.sent = batch[batch.length - 1]!.id;
      if (ws.getBufferedAmount() <= REPLAY_PAUSE) replay(ws);
    }, () => { if (!c.closed) { c.closed = true; ws.end(1011, `Server error; reconnect with since=${c.sent}`); } });
  };

  /** Live: the consumer's share of `batch`, now or after the frames it is waiting for. */
  const deliver = (ws: WebSocket<Consumer>, batch: StoredEvent[], ready: () => Ready) => {
    const c = ws.getUserData();
    const picked: number[] = [];
    batch.forEach((e, i) => { if (e.id > c.cursor && wanted(c, e)) picked.push(i); });
    const last = batch[batch.length - 1]!.id;
    if (last <= c.cursor) return;
    c.cursor = last;
    const flush = (all: EventPayload[]) => {
      if (c.closed) return;
      for (const i of picked) send(ws, all[i]!);
      c.sent = last;
      tooSlow(ws);
    };
    const now = picked.length ? ready() : [];
    if (!(now instanceof Promise) && !c.chain) return flush(now);
    const chained: Promise<void> = (c.chain ?? Promise.resolve()).then(() => now).then(flush, () => {
      if (!c.closed) { c.closed = true; ws.end(1011, `Server error; reconnect with since=${c.sent}`); }
    });
    c.chain = chained;
    void chained.finally(() => { if (c.chain === chained) c.chain = null; });
  };

  events.subscribe((batch) => {
    // completed once for every consumer, only when one wants some of it, and only for the
    // accounts some live consumer follows (no IMAP fetch for mail nobody reads)
    let ready: Ready | undefined;
    const once = () => (ready ??= content.payloads(batch, followed()));
    for (const ws of open) {
      const c = ws.getUserData();
      if (c.live && !c.closed) deliver(ws, batch, once);
    }
  });
  const unsubscribe = ctx.states.subscribe((frame) => {
    const text = JSON.stringify(frame);
    for (const ws of open) {
      const c = ws.getUserData();
      if (!c.states || c.closed || (c.accounts && !c.accounts.has(frame.account))) continue;
      ws.send(text, false);
      tooSlow(ws);
    }
  });
  const followed = (): Set<string> | null => {
    const accounts = new Set<string>();
    for (const ws of open) {
      const c = ws.getUserData();
      if (!c.live || c.closed) continue;
      if (!c.accounts) return null;
      for (const a of c.accounts) accounts.add(a);
    }
    return accounts;
  };

  app.ws<Consumer>('/v1/stream', {
    idleTimeout: 120,
    maxPayloadLength: MAX_WS_FRAME,
    maxBackpressure: 64 * 1024 * 1024,
    closeOnBackpressureLimit: 1,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      let consumer: Consumer;
      try {
        checkHead(req);
        if (open.size >= opts.maxStreams) throw tooManyStreams(opts.maxStreams);
        const q = check.check(parse(req.getQuery() ?? '')) as { since?: string; account?: string[]; states?: boolean };
        const since = q.since === undefined ? events.head : Math.min(Number(q.since), events.head);
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
      replay(ws);
    },
    drain: (ws) => {
      const c = ws.getUserData();
      if (!c.live && !c.closed && !c.replaying && ws.getBufferedAmount() < REPLAY_PAUSE) replay(ws);
    },
    close: (ws) => {
      ws.getUserData().closed = true;
      open.delete(ws);
    },
  });
  return () => {
    unsubscribe();
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
