// The WebSocket change stream (/v1/stream): replays retained events after `since` from the
// log, then switches to live events at exactly the point the replay reached (no gap, no
// duplicate). A consumer that falls too far behind is closed with 1008 and resumes by `since`.
import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import type { EventReader } from '../events/feed.js';
import { toPayload, type StoredEvent } from '../events/types.js';
import { ApiError, reasonPhrase, toWire } from '../errors.js';
import { StreamQuery } from '../schemas/events.js';
import { compileValidator, queryParser } from './validate.js';

export interface StreamOptions {
  /** bytes queued for one consumer before a live consumer counts as too slow */
  maxQueued: number;
}

interface Consumer {
  accounts: Set<string> | null;
  /** last event id sent (or skipped by the filter) */
  cursor: number;
  live: boolean;
  closed: boolean;
}

const REPLAY_BATCH = 500;
/** replay pauses above this many queued bytes and goes on when the socket drains */
const REPLAY_PAUSE = 256 * 1024;

/** Mounts /v1/stream; the returned function says goodbye (1001) to every consumer on shutdown. */
export function mountStream(app: TemplatedApp, events: EventReader, opts: StreamOptions): () => void {
  const check = compileValidator(StreamQuery, 'query');
  const parse = queryParser(StreamQuery);
  const open = new Set<WebSocket<Consumer>>();

  const send = (ws: WebSocket<Consumer>, e: StoredEvent) => ws.send(JSON.stringify(toPayload(e)), false);
  const wanted = (c: Consumer, e: StoredEvent) => !c.accounts || c.accounts.has(e.account);

  /** Send the log from the cursor up to the feed's head, then go live (all in one turn). */
  const replay = (ws: WebSocket<Consumer>) => {
    const c = ws.getUserData();
    for (;;) {
      const head = events.head;
      const batch = events.read(c.cursor, REPLAY_BATCH, c.accounts, head);
      for (const e of batch) send(ws, e);
      if (batch.length < REPLAY_BATCH) {
        c.cursor = head;
        c.live = true;
        return;
      }
      c.cursor = batch[batch.length - 1]!.id;
      if (ws.getBufferedAmount() > REPLAY_PAUSE) return; // drain() continues
    }
  };

  events.subscribe((batch) => {
    for (const ws of open) {
      const c = ws.getUserData();
      if (!c.live || c.closed) continue;
      for (const e of batch) {
        if (e.id <= c.cursor) continue;
        c.cursor = e.id;
        if (wanted(c, e)) send(ws, e);
      }
      if (ws.getBufferedAmount() > opts.maxQueued) {
        c.closed = true;
        ws.end(1008, `Consumer too slow; reconnect with since=${c.cursor}`.slice(0, 120));
      }
    }
  });

  app.ws<Consumer>('/v1/stream', {
    idleTimeout: 120,
    maxPayloadLength: 4096,
    maxBackpressure: 64 * 1024 * 1024,
    closeOnBackpressureLimit: 1,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      let consumer: Consumer;
      try {
        const q = check.check(parse(req.getQuery() ?? '')) as { since?: string; account?: string[] };
        const since = q.since === undefined ? events.head : Math.min(Number(q.since), events.head);
        consumer = { accounts: q.account?.length ? new Set(q.account) : null, cursor: since, live: false, closed: false };
      } catch (err) {
        const wire = toWire(err instanceof ApiError ? err : new ApiError('ValidationError', 'Invalid stream request'));
        res.writeStatus(`${wire.status} ${reasonPhrase(wire.status)}`).writeHeader('content-type', 'application/json')
          .end(JSON.stringify({ error: reasonPhrase(wire.status), message: wire.message, statusCode: wire.status, code: wire.code, details: wire.details }));
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
      if (!c.live && !c.closed && ws.getBufferedAmount() < REPLAY_PAUSE) replay(ws);
    },
    close: (ws) => {
      ws.getUserData().closed = true;
      open.delete(ws);
    },
  });
  // a plain GET (no Upgrade header) gets told what to do instead of a 404
  app.get('/v1/stream', (res) => {
    res.cork(() => res.writeStatus('426 Upgrade Required').writeHeader('upgrade', 'websocket').writeHeader('content-type', 'application/json')
      .end(JSON.stringify({ error: 'Upgrade Required', message: 'GET /v1/stream is a WebSocket: connect with a WebSocket client', statusCode: 426, code: 'ValidationError' })));
  });
  return () => {
    for (const ws of [...open]) {
      const c = ws.getUserData();
      c.closed = true;
      ws.end(1001, `Server shutting down; reconnect with since=${c.cursor}`);
    }
  };
}
