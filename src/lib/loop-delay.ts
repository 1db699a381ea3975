// Event-loop delay of the thread it runs in, from perf_hooks' histogram: how long work waited
// for this thread, in ms, since the window began (a read restarts it once it is a minute old).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopDelayView { p50: number; p99: number; max: number }

// the histogram records the time between its timer's callbacks: the resolution itself is no delay
const RESOLUTION = 20;

export class LoopDelay {
  readonly #histogram: IntervalHistogram;
  readonly #window: number;
  #since = Date.now();

  constructor(window = 60_000) {
    this.#window = window;
    this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION });
    this.#histogram.enable();
  }

  read(): LoopDelayView {
    const h = this.#histogram;
    const ms = (ns: number) => Math.max(0, Math.round(ns / 10_000 - RESOLUTION * 100) / 100);
    const view = h.count ? { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) } : { p50: 0, p99: 0, max: 0 };
    if (Date.now() - this.#since > this.#window) {
      h.reset();
      this.#since = Date.now();
    }
    return view;
  }

  stop(): void {
    this.#histogram.disable();
  }
}
