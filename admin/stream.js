// One WebSocket to /v1/stream shared by the tabs: change events and account state frames,
// reconnecting with backoff and resuming with `since` after the last event seen, so a dropped
// connection loses nothing.
import { api, token } from './api.js';

const MAX_BACKOFF = 30_000;

export class ChangeStream {
  #listeners = { event: [], state: [], status: [], open: [] };
  #since = null;
  #backoff = 500;
  #socket = null;

  on(kind, fn) {
    this.#listeners[kind].push(fn);
  }

  get since() {
    return this.#since;
  }

  /** Open the stream at the log's current head, so even the first reconnect misses nothing. */
  async start() {
    if (this.#since === null) {
      try {
        this.#since = (await api('GET', '/v1/events?limit=1')).head;
      } catch {
        // without a head the first connection goes live from wherever the server is
      }
    }
    this.#open();
  }

  #open() {
    const params = new URLSearchParams({ states: 'true' });
    if (this.#since) params.set('since', this.#since);
    const bearer = token();
    if (bearer) params.set('access_token', bearer);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/v1/stream?${params}`);
    this.#socket = socket;
    this.#emit('status', { state: 'connecting' });
    socket.onopen = () => {
      this.#backoff = 500;
      this.#emit('status', { state: 'live', resumedFrom: this.#since });
      this.#emit('open', {});
    };
    socket.onmessage = (msg) => this.#frame(msg.data);
    socket.onclose = (ev) => {
      if (this.#socket !== socket) return;
      const wait = this.#backoff;
      this.#backoff = Math.min(MAX_BACKOFF, this.#backoff * 2);
      this.#emit('status', { state: 'reconnecting', code: ev.code, reason: ev.reason, wait });
      setTimeout(() => this.#open(), wait);
    };
  }

  #frame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame.kind === 'accountState') return this.#emit('state', frame);
    if (typeof frame.id === 'string') this.#since = frame.id;
    this.#emit('event', frame);
  }

  #emit(kind, value) {
    for (const fn of this.#listeners[kind]) {
      try {
        fn(value);
      } catch (err) {
        // one tab's bug must not stop the others from seeing the stream
        setTimeout(() => { throw err; });
      }
    }
  }
}
