// Text and headers for messageNew (settings notifyText/notifyHeaders), on the front thread: the
// owning shard fetches the raw parts by UID, the parser pool decodes them, and the result goes
// into the payload being delivered or read. Nothing of it is stored; a gone message says so.
import { ApiError } from '../errors.js';
import { toPayload, type EventPayload, type StoredEvent } from '../events/types.js';
import { decodeMessageId } from '../ids.js';
import type { ParsePool } from '../parse/pool.js';
import type { ShardCaller } from '../protocol/caller.js';
import type { NotifyExtra, NotifyOptions } from '../protocol/ops.js';
import { MAX_NOTIFY_TEXT } from '../schemas/settings.js';
import { cutUtf8, mapLimit, pickHeaders } from './cut.js';

export interface ContentDeps {
  shards: Pick<ShardCaller, 'callAccount'>;
  parser: Pick<ParsePool, 'run'>;
}

/** The settings keys this reads (a SettingsView has them). */
export interface NotifySettings { notifyText: boolean; notifyTextSize: number; notifyHeaders: string[] }

/** The marker of a message deleted (or its folder reset) before the event was delivered or read. */
export const GONE = 'message is gone';
/** fetches one batch of readers' events runs at once (shards queue per account anyway) */
const READ_CONCURRENCY = 8;

/** What a messageNew's text costs to fetch: base64 makes n decoded bytes 4n/3 on the wire. */
function fetchBytes(textSize: number): number {
  return textSize > 0 ? Math.min(MAX_NOTIFY_TEXT, Math.ceil(textSize * 4 / 3) + 4) : MAX_NOTIFY_TEXT;
}

/** `data` with `extra` added; the text joins the entry's own `text` (its id and sizes). */
function merge(data: Record<string, unknown>, extra: NotifyExtra): Record<string, unknown> {
  const out = { ...data, ...extra };
  const own = data.text;
  if (extra.text && own && typeof own === 'object') out.text = { ...own, ...extra.text };
  return out;
}

export class EventContent {
  readonly #deps: ContentDeps;
  #options: NotifyOptions | null = null;

  constructor(deps: ContentDeps) {
    this.#deps = deps;
  }

  /** Take the current settings; both options off = null, and readers do no extra work. */
  configure(s: NotifySettings): void {
    this.#options = s.notifyText || s.notifyHeaders.length
      ? { text: s.notifyText, textSize: s.notifyTextSize, headers: s.notifyHeaders }
      : null;
  }

  get options(): NotifyOptions | null {
    return this.#options;
  }

  /** One messageNew's data with its content added; throws as extra() does. */
  async complete(account: string, data: Record<string, unknown>, options: NotifyOptions): Promise<Record<string, unknown>> {
    return merge(data, await this.extra(account, data, options));
  }

  /**
   * The fields to add to one messageNew's data. Throws when the content cannot be had now (the
   * account is not connected, its shard restarts): a webhook retries, a reader is told.
   */
  async extra(account: string, data: Record<string, unknown>, options: NotifyOptions): Promise<NotifyExtra> {
    const id = typeof data.id === 'string' ? data.id : '';
    let ref;
    try { ref = decodeMessageId(id); } catch { return { contentUnavailable: GONE }; }
    const expect: { size?: number; messageId?: string } = {};
    if (typeof data.size === 'number') expect.size = data.size;
    if (typeof data.messageId === 'string') expect.messageId = data.messageId;
    let fetched;
    try {
      fetched = await this.#deps.shards.callAccount(account, 'notifyContent', {
        ref, id, maxBytes: fetchBytes(options.textSize), text: options.text, headers: options.headers, expect,
      });
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'AccountNotFound' || err.code === 'MessageNotFound')) return { contentUnavailable: GONE };
      throw err;
    }
    if (!fetched.found) return { contentUnavailable: fetched.reason };
    const parsed = await this.#deps.parser.run({ kind: 'text', parts: fetched.parts, ...(fetched.headers ? { headers: fetched.headers } : {}) });
    const out: NotifyExtra = {};
    if (options.headers.length) out.headers = pickHeaders(parsed.headers ?? {}, options.headers);
    if (options.text) {
      const text: NonNullable<NotifyExtra['text']> = { hasMore: fetched.hasMore };
      for (const kind of ['plain', 'html'] as const) {
        const value = parsed[kind];
        if (value === null) continue;
        const cut = cutUtf8(value, options.textSize);
        text[kind] = cut.text;
        text.hasMore ||= cut.cut;
      }
      out.text = text;
    }
    return out;
  }

  /**
   * Payloads for a reader (pull API, WebSocket): as logged, plus content for each messageNew
   * when an option is on. A fetch that fails now gives its reason in `contentUnavailable`.
   * `wanted`: the accounts someone will read (null = all); the others are left as logged.
   */
  payloads(events: readonly StoredEvent[], wanted: ReadonlySet<string> | null = null): EventPayload[] | Promise<EventPayload[]> {
    const options = this.#options;
    const enrich = (e: StoredEvent) => e.event === 'messageNew' && (!wanted || wanted.has(e.account));
    if (!options || !events.some(enrich)) return events.map(toPayload);
    return mapLimit(events, READ_CONCURRENCY, async (e) => {
      const payload = toPayload(e);
      if (!enrich(e)) return payload;
      const extra = await this.extra(e.account, e.data, options).catch((err: unknown): NotifyExtra => ({
        contentUnavailable: `content could not be fetched now (${err instanceof ApiError ? err.message : 'internal error'}); read the event again later`,
      }));
      return { ...payload, data: merge(payload.data, extra) };
    });
  }
}
