// Pure rules of reply and forward: subject prefixes, threading ids (RFC 5322 §3.6.4), whom a
// reply goes to, and the quoted copy an inline forward carries below the user's text.

export interface Addr { name?: string; address: string }

// Prefixes mail clients write in other languages, so that "AW: x" gets "Re: x", not "Re: AW: x".
// Reply: Latin-script ones (de aw, nordic sv/svar, fi vs, nl antw, pl odp, it r/rif, fr réf, pt res,
// sl/hr odg, lv atb, lt ats, id bls, hu vá, tr ynt), el απ/σχετ, ru отв, zh 回复/回覆/答复.
const REPLY_WORDS = ['re', 'aw', 'sv', 'svar', 'vs', 'antw', 'odp', 'r', 'rif', 'ref', 'réf', 'res', 'odg', 'atb', 'ats', 'bls', 'vá', 'ynt', 'απ', 'σχετ', 'отв', '回复', '回覆', '答复'];
// Forward: de wg, fr tr, es rv, nl doorst, sv vb, da/no vs, fi vl, is fs, pt enc, pl pd, tr İlt,
// ru пересл, zh 转发/轉寄/轉發. "VS" is a reply in Finnish and a forward in Danish: it is in both.
const FORWARD_WORDS = ['fwd', 'fw', 'wg', 'tr', 'rv', 'doorst', 'vb', 'vs', 'vl', 'fs', 'enc', 'pd', 'İlt', 'ilt', 'пересл', '转发', '轉寄', '轉發'];

// "Re:", "RE :", "Re[2]:", "Re(3):", and the full-width colon CJK clients write; sticky, and with
// no two adjacent \s* that could split a run of spaces, so a hostile subject costs linear time
const prefixPattern = (words: string[]) =>
  new RegExp(`\\s*(?:${words.join('|')})\\s*(?:\\[\\d+\\]\\s*|\\(\\d+\\)\\s*)?[:：]\\s*`, 'iuy');
const REPLY_PREFIX = prefixPattern(REPLY_WORDS);
const FORWARD_PREFIX = prefixPattern(FORWARD_WORDS);

function withoutPrefixes(subject: string, prefix: RegExp): string {
  let end = 0;
  prefix.lastIndex = 0;
  // each match ends at a colon or after it, so every round moves forward
  while (prefix.exec(subject)) end = prefix.lastIndex;
  return subject.slice(end).trimStart();
}

/** The subject of a reply: one "Re: " in front, any reply prefixes already there folded into it. */
export function replySubject(subject: string): string {
  return `Re: ${withoutPrefixes(subject, REPLY_PREFIX)}`;
}

/** The subject of a forward: one "Fwd: " in front, any forward prefixes already there folded into it. */
export function forwardSubject(subject: string): string {
  return `Fwd: ${withoutPrefixes(subject, FORWARD_PREFIX)}`;
}

// Long threads would grow References without bound; the first id (the thread's root) and the
// most recent ones are what threading needs (RFC 5322 §3.6.4 lets a client trim the middle)
const MAX_REFERENCES = 20;

/** The message ids in a header value, each with angle brackets. */
function idsIn(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\x00-\x20\x7f]+>/g);
  if (bracketed) return bracketed;
  // some senders leave the brackets out; a bare word counts only when it looks like left@right
  return value.split(/\s+/).filter((w) => /^[^<>@\x00-\x20\x7f]+@[^<>@\x00-\x20\x7f]+$/.test(w)).map((w) => `<${w}>`);
}

/** In-Reply-To and References of a reply to `original` (RFC 5322 §3.6.4). */
export function referencesFor(original: { messageId?: string; references?: string; inReplyTo?: string }): { inReplyTo?: string; references: string[] } {
  const parent = idsIn(original.messageId)[0];
  let chain = idsIn(original.references);
  if (chain.length === 0) {
    // the parent's In-Reply-To stands in for its References only when it names one message
    const replied = idsIn(original.inReplyTo);
    if (replied.length === 1) chain = replied;
  }
  // each id once, the parent last even when its own References already named it
  const references = [...new Set(chain)].filter((id) => id !== parent);
  if (parent) references.push(parent);
  const capped = references.length > MAX_REFERENCES
    ? [references[0]!, ...references.slice(references.length - MAX_REFERENCES + 1)]
    : references;
  return parent ? { inReplyTo: parent, references: capped } : { references: capped };
}

const key = (a: Addr) => a.address.trim().toLowerCase();

/** Entries with an address (a group or "undisclosed-recipients:;" has none), each once. */
function distinct(list: (Addr | undefined)[] | undefined): Addr[] {
  const seen = new Set<string>();
  const out: Addr[] = [];
  for (const a of list ?? []) {
    if (!a || !a.address.trim() || seen.has(key(a))) continue;
    seen.add(key(a));
    out.push(a.name ? { name: a.name, address: a.address.trim() } : { address: a.address.trim() });
  }
  return out;
}

/**
 * Recipients of a reply to `original`: its Reply-To, else its From; for a message the account
 * sent itself, its To. Reply-all adds its To and Cc in cc. The account's own addresses (`own`,
 * lower-cased) are left out, unless nobody else would remain in to.
 */
export function replyRecipients(
  original: { from?: Addr; replyTo?: Addr[]; to?: Addr[]; cc?: Addr[] },
  own: string[],
  all: boolean,
): { to: Addr[]; cc: Addr[] } {
  const mine = new Set(own.map((a) => a.toLowerCase()));
  const isOwn = (a: Addr) => mine.has(key(a));
  const sentByMe = !!original.from && isOwn(original.from);
  const first = sentByMe ? distinct(original.to) : distinct(original.replyTo);
  let to = first.length ? first : distinct([original.from]);
  const others = to.filter((a) => !isOwn(a));
  if (others.length) to = others;
  if (!all) return { to, cc: [] };
  const taken = new Set(to.map(key));
  const candidates = distinct([...(sentByMe ? [] : original.to ?? []), ...(original.cc ?? [])]);
  return { to, cc: candidates.filter((a) => !isOwn(a) && !taken.has(key(a))) };
}

/** Text safe to insert into HTML, in content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface ForwardSource {
  from?: Addr;
  to?: Addr[];
  cc?: Addr[];
  subject?: string;
  date?: string;
  text?: string | null;
  html?: string | null;
}

const FORWARD_MARK = '---------- Forwarded message ---------';

const formatAddr = (a: Addr) => (a.name ? `${a.name} <${a.address}>` : a.address);

function formatDate(date: string): string {
  const time = new Date(date);
  return Number.isNaN(time.getTime()) ? date : time.toUTCString();
}

/** The "From:", "Date:" … lines of the forwarded block, those with a value. */
function summaryLines(original: ForwardSource): string[] {
  const lines: [string, string | undefined][] = [
    ['From', original.from && formatAddr(original.from)],
    ['Date', original.date && formatDate(original.date)],
    ['Subject', original.subject],
    ['To', original.to?.map(formatAddr).join(', ')],
    ['Cc', original.cc?.map(formatAddr).join(', ')],
  ];
  return lines.filter(([, value]) => value).map(([label, value]) => `${label}: ${value}`);
}

/** The body of an html document, or the whole text when it has no <body>. */
function htmlBody(html: string): string {
  // indexOf rather than /<body[^>]*>/: many unclosed "<body" would make that regex quadratic
  const open = /<body\b/i.exec(html);
  const start = open ? html.indexOf('>', open.index) + 1 : 0;
  if (start === 0) return html;
  const end = html.toLowerCase().lastIndexOf('</body');
  return html.slice(start, end >= start ? end : html.length);
}

/** The quoted copy of `original` that an inline forward appends, as text and as html. */
export function quotedForward(original: ForwardSource): { text: string; html: string } {
  const lines = summaryLines(original);
  const text = `${[FORWARD_MARK, ...lines].join('\n')}\n\n${original.text ?? ''}`;
  let body = '';
  // a nested <html> document is invalid, so only the original's body goes into the quote
  if (typeof original.html === 'string') body = htmlBody(original.html);
  else if (typeof original.text === 'string') body = `<pre>${escapeHtml(original.text)}</pre>`;
  const summary = [FORWARD_MARK, ...lines].map(escapeHtml).join('<br>\n');
  const html = `<div>${summary}</div>\n<br>\n<blockquote type="cite">${body}</blockquote>`;
  return { text, html };
}
