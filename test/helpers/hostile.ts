// Generates hostile HTTP requests as raw bytes (issue 16): malformed JSON, deep nesting, huge
// values, wrong types, bad ids, path traversal, IMAP-special and control characters, header
// injection, odd methods and framing, slow senders; and sends one over a plain TCP socket.
import net from 'node:net';

/** reject: a 4xx with our JSON error body; broken: a 4xx or a closed connection (broken HTTP);
 *  slow: as broken, but only once the server's idle timeout has passed; empty: a 200 listing
 *  no messages (a legal but odd search term that must not match through injection). */
export type Expect = 'reject' | 'broken' | 'slow' | 'empty';

export interface HostileCase {
  name: string;
  /** written one after the other, `gapMs` apart */
  parts: Buffer[];
  gapMs?: number;
  expect: Expect;
}

export interface Target {
  account: string;
  /** an existing message of INBOX */
  message: string;
}

export interface Answer {
  /** 0: the connection closed without an answer */
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
  /** the case ran into the caller's time limit with the connection still open */
  hung: boolean;
}

const enc = (s: string) => encodeURIComponent(s);

/** One HTTP/1.1 request with a correct Content-Length unless `headers` brings its own. */
export function request(method: string, target: string, body?: string | Buffer, headers: Record<string, string> = {}): Buffer {
  const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const head = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1'];
  if (data && !('Content-Type' in headers)) head.push('Content-Type: application/json');
  if (data && !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))) head.push(`Content-Length: ${data.length}`);
  for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`);
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), data ?? Buffer.alloc(0)]);
}

const json = (name: string, method: string, target: string, body: unknown, expect: Expect = 'reject'): HostileCase =>
  ({ name, parts: [request(method, target, typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body))], expect });

/** Routes that take a JSON body, each with a body no valid request could be mistaken for. */
function jsonRoutes(t: Target): [string, string][] {
  const a = `/v1/account/${t.account}`;
  return [
    ['POST', '/v1/account'], ['PUT', a], ['POST', `${a}/mailbox`], ['PUT', `${a}/mailbox`],
    ['POST', `${a}/search?path=INBOX`], ['POST', `${a}/message`], ['POST', `${a}/submit`],
    ['PUT', `${a}/messages?path=INBOX`], ['PUT', `${a}/messages/move?path=INBOX`], ['PUT', `${a}/messages/delete?path=INBOX`],
    ['PUT', `${a}/message/${t.message}`], ['PUT', `${a}/message/${t.message}/move`],
    ['PUT', '/v1/settings'], ['POST', '/v1/settings'], ['POST', '/v1/verifyAccount'],
  ];
}

const MALFORMED: (string | Buffer)[] = [
  '{', '}', '{"a":', '[1,2', '{"a" 1}', "{'a':1}", '{"a":1,}', 'nul', 'tru', '"unterminated', '\u0000',
  '{"a":"\\x"}', '{"a":1}{"b":2}', '\ufeff{"a":1}', '{"a":NaN}', '{"a":Infinity}', '{"a":01}', '{"a":"\\ud800"',
  Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28]), '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}',
  '{"a":1e99999}', ',', '{"a":[}', '{{}}',
];
const WRONG_TYPES = ['null', '[]', '1', '"s"', 'true', '[{}]', '{"path":1}', '{"path":false}', '{"path":{}}', '{"path":[[]]}', '{"search":"all"}', '{"to":"a@example.com"}', '{"flags":["\\\\Seen"]}'];

function bodies(t: Target): HostileCase[] {
  const out: HostileCase[] = [];
  const depth = 10_000;
  const deep = ['['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth), '['.repeat(depth), '{"search":{"or":' + '['.repeat(depth) + ']'.repeat(depth) + '}}'];
  const huge = [
    JSON.stringify({ path: 'x'.repeat(900_000) }), JSON.stringify({ subject: 'x'.repeat(2_000_000) }),
    JSON.stringify({ to: new Array(100_000).fill({ address: 'a@example.com' }) }).slice(0, 900_000) + ']}',
    `[${new Array(200_000).fill('0').join(',')}]`, JSON.stringify({ search: { or: new Array(50_000).fill({ seen: true }) } }),
    JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]))),
  ];
  for (const [method, target] of jsonRoutes(t)) {
    MALFORMED.forEach((b, i) => out.push(json(`malformed JSON ${i} → ${method} ${target}`, method, target, b)));
    WRONG_TYPES.forEach((b) => out.push(json(`wrong type ${b} → ${method} ${target}`, method, target, b)));
    deep.forEach((b, i) => out.push(json(`deep nesting ${i} → ${method} ${target}`, method, target, b)));
    huge.forEach((b, i) => out.push(json(`huge ${i} → ${method} ${target}`, method, target, b)));
  }
  return out;
}

/** Deterministic bytes, so a failing case names the same id on every run. */
function pseudoRandom(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out[i] = x & 0xff; }
  return out;
}

function badIds(t: Target): HostileCase[] {
  const a = `/v1/account/${t.account}`;
  const ids = ['x', 'AAAA', '!!!!!!!!!!!!', '%00AAAAAAAAAAAA', 'A'.repeat(2000), '..%2F..%2Fetc%2Fpasswd', '====AAAAAAAA', 'AAAAAAAAAAA%3D',
    '+/+/+/+/+/+/', 'AAAAAAAAAAA', '%F0%9F%8E%89%F0%9F%8E%89%F0%9F%8E%89', 'AAAAAQAAAAA', 'AAAAAAAAAAE'];
  // decodable ids of folders that do not exist (mailbox id 0xff…): every call finds nothing
  for (let i = 0; i < 8; i++) ids.push(Buffer.concat([Buffer.from([0xff]), pseudoRandom(i + 1, 7 + i * 5)]).toString('base64url'));
  const out: HostileCase[] = [];
  for (const id of ids) {
    for (const target of [`${a}/message/${id}`, `${a}/text/${id}`, `${a}/attachment/${id}`, `${a}/message/${id}/source`]) {
      out.push({ name: `bad id GET ${target.slice(0, 80)}`, parts: [request('GET', target)], expect: 'reject' });
    }
    out.push(json(`bad id PUT flags ${id.slice(0, 40)}`, 'PUT', `${a}/message/${id}`, { flags: { add: ['\\Seen'] } }));
    out.push(json(`bad id PUT move ${id.slice(0, 40)}`, 'PUT', `${a}/message/${id}/move`, { path: 'Work' }));
    out.push(json(`bad id bulk ${id.slice(0, 40)}`, 'PUT', `${a}/messages?path=INBOX`, { messages: [id], flags: { add: ['\\Seen'] } }));
  }
  return out;
}

function traversal(t: Target): HostileCase[] {
  const a = `/v1/account/${t.account}`;
  const targets = ['/../../../etc/passwd', '/v1/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/v1/account/..%2F..%2Fetc%2Fpasswd',
    '/v1/account/%2e%2e', `${a}/..%2fmailboxes`, `${a}/%2e%2e/%2e%2e/v1/accounts`, '/admin/../../../etc/passwd', '/admin/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/docs/..%5c..%5cetc%5cpasswd', `${a}/attachment/..%2F..%2F..%2Fetc%2Fpasswd`, '//etc/passwd', '/v1//accounts', '/%00',
    `/v1/account/${t.account}%00/mailboxes`, `${a}/mailboxes/..`, '/admin/..%252f..%252fetc%252fpasswd', '/v1/account/%2F%2F/mailboxes',
    `/v1/account/x%2F..%2F${t.account}`, '/v1/logs/..%2F..%2F..%2Fetc%2Fpasswd', '/v1/outbox/..%2F..%2Fetc', `${a}/messages?path=..%2F..%2F..%2Fetc`,
    `${a}/messages?path=%2e%2e%2f%2e%2e`, `${a}/messages?path=${enc('../INBOX')}`, `${a}/messages?path=${enc('INBOX/../../x')}`];
  const out: HostileCase[] = [];
  for (const target of targets) {
    out.push({ name: `traversal GET ${target}`, parts: [request('GET', target)], expect: 'reject' });
    out.push({ name: `traversal DELETE ${target}`, parts: [request('DELETE', target)], expect: 'reject' });
  }
  return out;
}

const CONTROL_NAMES = ['\r\n', '\0', 'a\rb', 'a\nb', 'x\r\nA1 LOGOUT\r\n', 'x\u0000y', '{5}\r\nabcde', 'INBOX\r\n', '\u007f', '\t'];
const SPECIAL_NAMES = ['*', '%', '"', '\\', '{5}', 'a"b', 'a\\"b', '"*"', '%%', 'INBOX*', '(', ')', ']', '[', '&', '&-', '&AGEAYgBj-', 'x" "y', 'NIL', '"INBOX"', '{0}', '~x%'];
/** Names the server itself refuses: creating them must answer 400, not 502. */
const REFUSED_NAMES = ['a/b', '.hidden', 'a..b', '~home', 'x'.repeat(300)];

function folderNames(t: Target, raw: string): HostileCase[] {
  const a = `/v1/account/${t.account}`;
  const out: HostileCase[] = [];
  for (const name of [...CONTROL_NAMES, ...SPECIAL_NAMES]) {
    const q = enc(name);
    const label = JSON.stringify(name);
    out.push({ name: `folder ${label} list`, parts: [request('GET', `${a}/messages?path=${q}`)], expect: 'reject' });
    out.push({ name: `folder ${label} delete`, parts: [request('DELETE', `${a}/mailbox?path=${q}`)], expect: 'reject' });
    out.push(json(`folder ${label} search`, 'POST', `${a}/search?path=${q}`, { search: { seen: true } }));
    out.push(json(`folder ${label} rename from`, 'PUT', `${a}/mailbox`, { path: name, newPath: 'Renamed' }));
    out.push(json(`folder ${label} move to`, 'PUT', `${a}/message/${t.message}/move`, { path: name }));
    out.push(json(`folder ${label} bulk move to`, 'PUT', `${a}/messages/move?path=INBOX`, { messages: [t.message], destination: name }));
    out.push(json(`folder ${label} upload to`, 'POST', `${a}/message`, { path: name, raw }));
  }
  for (const name of [...CONTROL_NAMES, ...REFUSED_NAMES]) {
    out.push(json(`folder ${JSON.stringify(name.slice(0, 20))} create`, 'POST', `${a}/mailbox`, { path: name }));
    // below a parent, "~home" is a good name: only the control characters stay wrong there
    if (CONTROL_NAMES.includes(name)) out.push(json(`folder ${JSON.stringify(name)} create as parts`, 'POST', `${a}/mailbox`, { path: ['Work', name] }));
    out.push(json(`folder ${JSON.stringify(name.slice(0, 20))} rename to`, 'PUT', `${a}/mailbox`, { path: 'Work', newPath: name }));
  }
  return out;
}

/** Terms that would match every message if they were spliced into the SEARCH command. */
const INJECTIONS = ['x" OR ALL "', 'x) OR (ALL', 'x" ALL', '{5}', '{999999}', '*', '%', '"', '\\', 'x\\" OR ALL \\"', '" UID 1:* "'];

function searchTerms(t: Target): HostileCase[] {
  const target = `/v1/account/${t.account}/search?path=INBOX`;
  const out: HostileCase[] = [];
  const fields: [string, (v: string) => unknown][] = [
    ['subject', (v) => ({ subject: v })], ['from', (v) => ({ from: v })], ['body', (v) => ({ body: v })],
    ['header', (v) => ({ header: { 'X-Anything': v } })], ['or', (v) => ({ or: [{ to: v }, { cc: v }] })], ['not', (v) => ({ not: { bcc: v }, seen: false, subject: v })],
  ];
  for (const [field, make] of fields) {
    // single characters could occur in a seeded address or body; the seeded subjects have none
    for (const v of INJECTIONS.filter((i) => field === 'subject' || i.length > 3)) out.push(json(`search ${field} ${JSON.stringify(v)}`, 'POST', target, { search: make(v) }, 'empty'));
    for (const v of CONTROL_NAMES.filter((c) => /[\r\n\0]/.test(c))) out.push(json(`search ${field} ${JSON.stringify(v)}`, 'POST', target, { search: make(v) }));
  }
  for (const bad of ['a b', 'X:Y', 'X\r\nY', '', 'X\0']) out.push(json(`search header name ${JSON.stringify(bad)}`, 'POST', target, { search: { header: { [bad]: 'v' } } }));
  return out;
}

function headerInjection(t: Target): HostileCase[] {
  const a = `/v1/account/${t.account}`;
  const out: HostileCase[] = [];
  const to = [{ address: 'b@example.com' }];
  const fields: [string, (v: string) => Record<string, unknown>][] = [
    ['subject', (v) => ({ subject: `Hi${v}` })], ['from.name', (v) => ({ from: { name: `A${v}`, address: 'a@example.com' } })],
    ['from.address', (v) => ({ from: { address: `a@example.com${v}` } })], ['to.name', (v) => ({ to: [{ name: `B${v}`, address: 'b@example.com' }] })],
    ['to.address', (v) => ({ to: [{ address: `b@example.com${v}` }] })], ['cc', (v) => ({ cc: [{ address: `c${v}@example.com` }] })],
    ['replyTo', (v) => ({ replyTo: [{ name: v, address: 'r@example.com' }] })], ['headers', (v) => ({ headers: { 'X-Custom': `1${v}2` } })],
    ['header name', (v) => ({ headers: { [`X${v}Y`]: '1' } })], ['messageId', (v) => ({ messageId: `<a${v}@b>` })],
    ['attachment filename', (v) => ({ attachments: [{ filename: `a${v}.txt`, content: 'aGk=' }] })],
    ['attachment type', (v) => ({ attachments: [{ contentType: `text/plain${v}`, content: 'aGk=' }] })],
  ];
  for (const [field, make] of fields) {
    for (const v of ['\r', '\n', '\0', '\r\nBcc: evil@example.com']) {
      out.push(json(`submit ${field} ${JSON.stringify(v)}`, 'POST', `${a}/submit`, { to, text: 'x', ...make(v) }));
      out.push(json(`upload ${field} ${JSON.stringify(v)}`, 'POST', `${a}/message`, { path: 'INBOX', text: 'x', ...make(v) }));
    }
  }
  return out;
}

function methods(t: Target): HostileCase[] {
  const out: HostileCase[] = [];
  for (const m of ['PATCH', 'PROPFIND', 'FOO', 'TRACE', 'CONNECT', 'get', 'GETT', 'M-SEARCH', 'BREW', 'DELET']) {
    for (const target of ['/v1/accounts', `/v1/account/${t.account}`, `/v1/account/${t.account}/mailbox?path=Work`]) {
      out.push({ name: `method ${m} ${target}`, parts: [request(m, target)], expect: 'broken' });
    }
  }
  return out;
}

function framing(t: Target): HostileCase[] {
  const target = `/v1/account/${t.account}/mailbox`;
  const body = '{"path":"a/b"}';
  const out: HostileCase[] = [];
  const cl = (v: string): Record<string, string> => ({ 'Content-Length': v });
  for (const [label, headers, expect] of [
    ['negative', cl('-1'), 'broken'], ['non-numeric', cl('abc'), 'broken'], ['exponent', cl('1e3'), 'broken'], ['hex', cl('0x10'), 'broken'],
    ['empty', cl(''), 'broken'], ['huge', cl('99999999999999999999'), 'broken'], ['2^64', cl('18446744073709551616'), 'broken'],
    ['duplicated same', { 'Content-Length': String(body.length), 'content-length': String(body.length) }, 'broken'],
    ['duplicated different', { 'Content-Length': '3', 'content-length': String(body.length) }, 'broken'],
    ['with chunked', { 'Content-Length': String(body.length), 'Transfer-Encoding': 'chunked' }, 'broken'],
    ['smaller than body', cl('5'), 'broken'], ['zero with body', cl('0'), 'broken'],
    ['TE gzip', { 'Transfer-Encoding': 'gzip' }, 'broken'], ['TE chunked twice', { 'Transfer-Encoding': 'chunked, chunked' }, 'broken'],
  ] as [string, Record<string, string>, Expect][]) {
    out.push({ name: `Content-Length ${label}`, parts: [request('POST', target, body, headers)], expect });
  }
  const chunked = (chunks: string) => request('POST', target, chunks, { 'Transfer-Encoding': 'chunked' });
  out.push({ name: 'chunked body, refused name', parts: [chunked(`${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`)], expect: 'broken' });
  out.push({ name: 'chunked body, malformed JSON', parts: [chunked('3\r\n{"a\r\n0\r\n\r\n')], expect: 'broken' });
  out.push({ name: 'chunked, bad size', parts: [chunked('zz\r\nabc\r\n0\r\n\r\n')], expect: 'broken' });
  out.push({ name: 'chunked, absurd size', parts: [chunked('ffffffffffffffffff\r\nabc\r\n0\r\n\r\n')], expect: 'broken' });
  out.push({ name: 'chunked, no end', parts: [chunked('3\r\n{"a')], expect: 'slow' });
  out.push({ name: 'Content-Length bigger than the body', parts: [request('POST', target, body, cl('1000'))], expect: 'slow' });
  out.push({ name: 'Content-Length bigger than the body (search)', parts: [request('POST', `/v1/account/${t.account}/search?path=INBOX`, '{"search":', cl('500000'))], expect: 'slow' });
  return out;
}

// uWS answers few of these at once: it waits for a request it can parse until its idle timeout
function brokenHttp(): HostileCase[] {
  const raw = (name: string, bytes: string | Buffer, expect: Expect = 'slow'): HostileCase => ({ name, parts: [Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1')], expect });
  return [
    raw('garbage line', 'GARBAGE\r\n\r\n'), raw('empty lines', '\r\n\r\n\r\n\r\n'), raw('method only', 'GET\r\n\r\n'),
    raw('HTTP/9.9', 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n'), raw('HTTP/0.9', 'GET /health\r\n\r\n'),
    raw('header without colon', 'GET /health HTTP/1.1\r\nNoColonHeader\r\n\r\n'), raw('NUL in header', 'GET /health HTTP/1.1\r\nX-A: a\0b\r\n\r\n'),
    raw('LF only', 'GET /v1/accounts HTTP/1.1\nHost: x\n\n'), raw('CR only', 'GET /v1/accounts HTTP/1.1\rHost: x\r\r'),
    raw('64 KB header', `GET /health HTTP/1.1\r\nX-Big: ${'a'.repeat(65_536)}\r\n\r\n`),
    raw('2000 headers', `GET /health HTTP/1.1\r\n${Array.from({ length: 2000 }, (_, i) => `X-${i}: v`).join('\r\n')}\r\n\r\n`),
    raw('100 KB URL', `GET /v1/accounts?x=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
    raw('leading space', ' GET /health HTTP/1.1\r\n\r\n'), raw('space in URL', 'GET /v1/acc ounts HTTP/1.1\r\n\r\n'),
    raw('space before colon', 'GET /v1/accounts HTTP/1.1\r\nHost : x\r\n\r\n'), raw('folded header', 'GET /v1/accounts HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n'),
    raw('TLS client hello', Buffer.from('16030100c4010000c00303', 'hex')), raw('HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
    raw('random bytes', pseudoRandom(99, 512)), raw('absolute URL', 'GET http://evil.example/v1/accounts HTTP/1.1\r\n\r\n'),
    raw('asterisk target', 'OPTIONS * HTTP/1.1\r\n\r\n'), raw('raw CR LF in URL', 'GET /v1/account/a\rb/mailboxes HTTP/1.1\r\n\r\n'),
    raw('raw NUL in URL', 'GET /v1/account/a\0b HTTP/1.1\r\n\r\n'), raw('8-bit URL', Buffer.from('GET /v1/account/\xff\xfe HTTP/1.1\r\n\r\n', 'latin1')),
    raw('partial request line, then silence', 'GET /heal', 'slow'), raw('partial headers, then silence', 'GET /health HTTP/1.1\r\nHost: x\r\n', 'slow'),
    raw('partial body, then silence', 'POST /v1/account HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"account":', 'slow'),
    // slowloris: a byte every 300 ms never completes the request
    { name: 'headers a byte at a time', parts: [...'GET /health HTTP/1.1\r\nHost: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n'].map((c) => Buffer.from(c)), gapMs: 300, expect: 'slow' },
    { name: 'body a byte at a time', parts: [request('POST', '/v1/account', undefined, { 'Content-Type': 'application/json', 'Content-Length': '400' }), ...'{"account":"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy'.split('').map((c) => Buffer.from(c))], gapMs: 300, expect: 'slow' },
  ];
}

/** Every case, in a fixed order; `raw` is a base64 message for uploads. */
export function hostileCases(t: Target): HostileCase[] {
  const raw = Buffer.from('From: a@example.com\r\nSubject: hostile\r\n\r\nhi\r\n').toString('base64');
  return [...bodies(t), ...badIds(t), ...traversal(t), ...folderNames(t, raw), ...searchTerms(t), ...headerInjection(t), ...methods(t), ...framing(t), ...brokenHttp()];
}

/** Send one case on a fresh socket; the answer once it is complete, the socket closes or `limitMs` passes. */
export function send(port: number, c: HostileCase, limitMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const sock = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (hung: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(limit);
      sock.destroy();
      resolve({ ...parse(data), ms: Date.now() - t0, hung });
    };
    const limit = setTimeout(() => finish(true), limitMs);
    let i = 0;
    const next = () => {
      if (i >= c.parts.length || sock.destroyed) return;
      sock.write(c.parts[i++]!, () => { timer = setTimeout(next, c.gapMs ?? 0); });
    };
    sock.on('connect', next);
    sock.on('data', (d: Buffer) => { data = Buffer.concat([data, d]); if (complete(data)) finish(false); });
    sock.on('close', () => finish(false));
    sock.on('error', () => finish(false));
  });
}

function complete(data: Buffer): boolean {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(data.subarray(0, end).toString('latin1'));
  return length ? data.length >= end + 4 + Number(length[1]) : false;
}

function parse(data: Buffer): Omit<Answer, 'ms' | 'hung'> {
  const end = data.indexOf('\r\n\r\n');
  const head = data.subarray(0, end < 0 ? data.length : end).toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return { status: status ? Number(status[1]) : 0, headers, body: end < 0 ? '' : data.subarray(end + 4).toString('utf8') };
}
