// The events half of /v1/stream: replays the retained log after a consumer's cursor, then
// hands it live batches at exactly the point the replay reached (no gap, no duplicate). With
// notifyText/notifyHeaders on, messageNew payloads are completed asynchronously; each consumer
// then gets its frames through a promise chain, so their order never changes.
import type { WebSocket } from 'uWebSockets.js';
import type { EventReader } from '../events/feed.js';
import type { EventPayload, StoredEvent } from '../events/types.js';
import type { EventContent } from '../notify/content.js';

export interface Consumer {
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

export type Socket = WebSocket<Consumer>;
type Ready = EventPayload[] | Promise<EventPayload[]>;

const REPLAY_BATCH = 500;
/** replay pauses above this many queued bytes and goes on when the socket drains */
export const REPLAY_PAUSE = 256 * 1024;

export interface EventDelivery {
  /** send the log from the consumer's cursor, then make it live; again on drain */
  replay(ws: Socket): void;
  /** close a consumer that has more queued than a live one may */
  tooSlow(ws: Socket): void;
  /** stop taking live batches */
  stop(): void;
}

const serverError = (ws: Socket) => {
  const c = ws.getUserData();
  if (!c.closed) { c.closed = true; ws.end(1011, `Server error; reconnect with since=${c.sent}`); }
};

/** `open`: the connected consumers; `onLive`: a consumer has just caught up with the log. */
export function eventDelivery(
  reader: { events: EventReader; content: Pick<EventContent, 'payloads'> }, maxQueued: number,
  open: ReadonlySet<Socket>, onLive: (ws: Socket) => void,
): EventDelivery {
  const { events, content } = reader;
  const send = (ws: Socket, p: EventPayload) => ws.send(JSON.stringify(p), false);
  const wanted = (c: Consumer, e: StoredEvent) => !c.accounts || c.accounts.has(e.account);
  const tooSlow = (ws: Socket) => {
    const c = ws.getUserData();
    if (c.closed || ws.getBufferedAmount() <= maxQueued) return;
    c.closed = true;
    ws.end(1008, `Consumer too slow; reconnect with since=${c.sent}`.slice(0, 120));
  };

  /** Send the log from the cursor up to the feed's head, then go live (in one turn, so no gap). */
  const replay = (ws: Socket): void => {
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
        return onLive(ws);
      }
      c.cursor = c.sent = batch[batch.length - 1]!.id;
      if (ws.getBufferedAmount() > REPLAY_PAUSE) return; // drain() continues
    }
  };
  // events that came meanwhile are read by the next round: going live waits for a round that
  // completes in one turn
  const replayLater = (ws: Socket, batch: StoredEvent[], ready: Promise<EventPayload[]>) => {
    const c = ws.getUserData();
    c.replaying = true;
    void ready.then((payloads) => {
      c.replaying = false;
      if (c.closed) return;
      for (const p of payloads) send(ws, p);
      c.cursor = c.sent = batch[batch.length - 1]!.id;
      if (ws.getBufferedAmount() <= REPLAY_PAUSE) replay(ws);
    }, () => serverError(ws));
  };

  /** Live: the consumer's share of `batch`, now or after the frames it is waiting for. */
  const deliver = (ws: Socket, batch: StoredEvent[], ready: () => Ready) => {
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
    const chained: Promise<void> = (c.chain ?? Promise.resolve()).then(() => now).then(flush, () => serverError(ws));
    c.chain = chained;
    void chained.finally(() => { if (c.chain === chained) c.chain = null; });
  };

  /** The accounts some live consumer follows (null: one follows all). */
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

  const stop = events.subscribe((batch) => {
    // completed once for every consumer, only when one wants some of it, and only for the
    // accounts some live consumer follows (no IMAP fetch for mail nobody reads)
    let ready: Ready | undefined;
    const once = () => (ready ??= content.payloads(batch, followed()));
    for (const ws of open) {
      const c = ws.getUserData();
      if (c.live && !c.closed) deliver(ws, batch, once);
    }
  });
  return { replay, tooSlow, stop };
}
