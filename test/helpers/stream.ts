// A WebSocket change-stream client for tests: collects every event frame and waits for some.
import WebSocket from 'ws';

export interface Payload { id: string; account: string; path: string | null; event: string; data: any; date: string }

export interface StreamClient {
  events: Payload[];
  /** resolves with the first event matching `pred` (already received or arriving within `ms`) */
  waitFor(pred: (e: Payload) => boolean, ms?: number, what?: string): Promise<Payload>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function openStream(base: string, query = ''): Promise<StreamClient> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/v1/stream${query ? `?${query}` : ''}`);
  const events: Payload[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    events.push(JSON.parse(data.toString()) as Payload);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  return {
    events,
    closed,
    close: () => ws.close(),
    waitFor(pred, ms = 10_000, what = 'event') {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`no ${what} within ${ms} ms; got: ${events.map((e) => e.event).join(', ')}`)); }, ms);
        const check = () => {
          const hit = events.find(pred);
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit);
        };
        waiters.add(check);
      });
    },
  };
}
