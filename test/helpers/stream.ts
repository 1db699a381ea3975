// A WebSocket change-stream client for tests: collects every event frame (and, apart, every
// accountState frame) and waits for some; each frame is checked against the frame schema the
// route table declares for /v1/stream.
import WebSocket from 'ws';
import { Compile } from 'typebox/compile';
import { routes } from '../../src/http/routes/index.js';

export interface Payload { id: string; account: string; path: string | null; event: string; data: any; date: string }
export interface StateFrame { kind: 'accountState'; account: string; state: string; lastError?: { message: string; code?: string; time: string }; date: string }

export interface StreamClient {
  events: Payload[];
  /** accountState frames (only with states=true) */
  states: StateFrame[];
  /** frames that do not match the declared frame schema */
  problems: string[];
  /** resolves with the first event matching `pred` (already received or arriving within `ms`) */
  waitFor(pred: (e: Payload) => boolean, ms?: number, what?: string): Promise<Payload>;
  /** the same for accountState frames */
  waitForState(pred: (s: StateFrame) => boolean, ms?: number, what?: string): Promise<StateFrame>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

let frameSchema: ReturnType<typeof Compile> | undefined;
const frameCheck = () => (frameSchema ??= Compile(routes.find((r) => r.path === '/v1/stream')!.response));

export async function openStream(base: string, query = ''): Promise<StreamClient> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/v1/stream${query ? `?${query}` : ''}`);
  const events: Payload[] = [];
  const states: StateFrame[] = [];
  const problems: string[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Payload | StateFrame;
    if (!frameCheck().Check(frame)) problems.push(`${data.toString().slice(0, 200)}: ${[...frameCheck().Errors(frame)].slice(0, 3).map((e) => `${(e as { instancePath: string }).instancePath} ${(e as { message: string }).message}`).join('; ')}`);
    if ('kind' in frame) states.push(frame);
    else events.push(frame);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  function waitIn<T>(list: T[], pred: (x: T) => boolean, ms: number, what: string, names: () => string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (problems.length) { reject(new Error(`frames off their schema: ${problems.join(' | ')}`)); return true; }
        const hit = list.find(pred);
        if (hit) resolve(hit);
        return !!hit;
      };
      if (check()) return;
      const timer = setTimeout(() => { waiters.delete(waiter); reject(new Error(`no ${what} within ${ms} ms; got: ${names()}`)); }, ms);
      const waiter = () => { if (check()) { clearTimeout(timer); waiters.delete(waiter); } };
      waiters.add(waiter);
    });
  }
  return {
    events,
    states,
    problems,
    closed,
    close: () => ws.close(),
    waitFor: (pred, ms = 10_000, what = 'event') => waitIn(events, pred, ms, what, () => events.map((e) => e.event).join(', ')),
    waitForState: (pred, ms = 10_000, what = 'state frame') => waitIn(states, pred, ms, what, () => states.map((s) => `${s.account}:${s.state}`).join(', ')),
  };
}
