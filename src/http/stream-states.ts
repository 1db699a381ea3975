// The account-state half of /v1/stream (states=true): when a consumer has caught up with the
// log it gets the current state of every account it follows, then each change as it comes.
// Frames wait for that moment, so a resuming consumer never sees a state older than an event.
import type { AccountStateSource } from './account-states.js';
import type { Socket } from './stream-events.js';

export interface StateFrames {
  /** the consumer just went live: its snapshot */
  live(ws: Socket): void;
  stop(): void;
}

export function stateFrames(states: AccountStateSource, open: ReadonlySet<Socket>, tooSlow: (ws: Socket) => void): StateFrames {
  const stop = states.subscribe((frame) => {
    const text = JSON.stringify(frame);
    for (const ws of open) {
      const c = ws.getUserData();
      if (!c.states || !c.live || c.closed || (c.accounts && !c.accounts.has(frame.account))) continue;
      ws.send(text, false);
      tooSlow(ws);
    }
  });
  return {
    live(ws) {
      const c = ws.getUserData();
      if (!c.states || c.closed) return;
      for (const frame of states.snapshot(c.accounts)) ws.send(JSON.stringify(frame), false);
      tooSlow(ws);
    },
    stop,
  };
}
