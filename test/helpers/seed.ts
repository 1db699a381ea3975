// Deterministic, realistic test mail: seedSpec(i) describes message i, buildMessage() turns it
// into RFC 822 bytes (same bytes every time), appendMessages() APPENDs a run of them over IMAP.
import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';

export interface SeedSpec {
  subject: string;
  from: { name: string; address: string };
  to: { name: string; address: string }[];
  text: string;
  html: string;
  messageId: string;
  date: Date;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}
export interface ImapLogin { host: string; port: number; user: string; pass: string }

const PEOPLE = [
  { name: 'Peter Põder', address: 'peter.poder@example.ee' },
  { name: 'Jürgen Müller', address: 'juergen@example.de' },
  { name: '日本語 太郎', address: 'taro@example.jp' },
  { name: 'Zoë Ångström', address: 'zoe@example.se' },
  { name: 'Ольга Иванова', address: 'olga@example.ru' },
  { name: 'Alice Example', address: 'alice@example.com' },
  { name: 'Bob "the builder" O\'Neil', address: 'bob@example.org' },
];

// Mixes short, long (folded encoded-words), emoji and pure ASCII subjects.
const SUBJECTS = [
  (i: number) => `Kohtumine ${i}: õunad, äri ja üllatused`,
  (i: number) => `Grüße aus München #${i}`,
  (i: number) => `日本語の件名 ${i} — 会議の議事録`,
  (i: number) => `Plain ASCII subject number ${i}`,
  (i: number) => `Re: Fwd: 🎉 Party planning ${i} 🎂`,
  (i: number) =>
    `Pikk teema ${i}: see on väga pikk pealkiri, mis tuleb kindlasti mitmeks kodeeritud sõnaks murda, ` +
    `et päise rea pikkus jääks alla seitsmekümne kaheksa märgi ÕÄÖÜ`,
];

const FILENAMES = [
  { filename: 'report.pdf', contentType: 'application/pdf' },
  { filename: 'Arve-õüäö.pdf', contentType: 'application/pdf' },
  { filename: '報告書.txt', contentType: 'text/plain' },
  { filename: 'photo.jpg', contentType: 'image/jpeg' },
  { filename: 'data.bin', contentType: 'application/octet-stream' },
  { filename: 'Übersicht 2024.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
];

const BASE_DATE = Date.UTC(2024, 0, 15, 8, 30, 0);

/** mulberry32: tiny seeded PRNG so specs and attachment bytes depend only on the index */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(list: readonly T[], n: number): T {
  const v = list[((n % list.length) + list.length) % list.length];
  if (v === undefined) throw new Error('pick: empty list');
  return v;
}

function randomBytes(rand: () => number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  for (let k = 0; k < size; k++) buf[k] = Math.floor(rand() * 256);
  return buf;
}

export function seedSpec(i: number): SeedSpec {
  const rand = prng(i * 2654435761 + 1);
  const from = pick(PEOPLE, i);
  const toCount = 1 + (i % 3);
  const to = Array.from({ length: toCount }, (_, k) => pick(PEOPLE, i + 1 + k * 2));
  const subject = pick(SUBJECTS, i)(i);
  const paragraphs = 1 + Math.floor(rand() * 5);
  const body = Array.from(
    { length: paragraphs },
    (_, p) => `Lõik ${p + 1} sõnumis ${i}. Tere, ${to[0]?.name ?? ''}! Ülevaade: ${Math.floor(rand() * 1e6)}.`,
  );
  const text = `${body.join('\n\n')}\n\n-- \n${from.name}\n`;
  const html =
    `<!doctype html><html><body>${body.map((p) => `<p>${p}</p>`).join('')}` +
    `<p>--<br>${from.name}</p></body></html>`;
  // every third message has no attachment, some have two; sizes range from bytes to ~300 KB
  const attachmentCount = i % 3 === 0 ? 0 : i % 5 === 0 ? 2 : 1;
  const attachments = Array.from({ length: attachmentCount }, (_, k) => {
    const kind = pick(FILENAMES, i + k);
    const size = k === 0 ? 1 + Math.floor(rand() * rand() * 300_000) : 10 + Math.floor(rand() * 2000);
    return { ...kind, content: randomBytes(rand, size) };
  });
  return {
    subject,
    from,
    to,
    text,
    html,
    messageId: `<seed-${i}@e2e.example>`,
    // a whole second, as Date headers carry no milliseconds
    date: new Date(BASE_DATE + i * 3_600_000 + Math.floor(rand() * 3600) * 1000),
    attachments,
  };
}

export async function buildMessage(spec: SeedSpec): Promise<Buffer> {
  // MailComposer picks a random multipart boundary unless given one, and keeps the bare LFs
  // of text bodies unless told to emit CRLF, which IMAP servers would then rewrite (both
  // options exist but are missing from @types/nodemailer)
  const baseBoundary = createHash('sha256').update(spec.messageId).digest('hex').slice(0, 16);
  const mail: Mail.Options & { baseBoundary: string; newline: string } = {
    from: spec.from,
    to: spec.to,
    subject: spec.subject,
    text: spec.text,
    html: spec.html,
    messageId: spec.messageId,
    date: spec.date,
    attachments: spec.attachments.map((a) => ({ ...a })),
    baseBoundary,
    newline: 'windows',
  };
  return await new MailComposer(mail).compile().build();
}

export async function imapClient(login: ImapLogin): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: login.host,
    port: login.port,
    secure: false,
    auth: { user: login.user, pass: login.pass },
    logger: false,
  });
  // a dropped connection (e.g. Dovecot stopped by a test) emits 'error'; without a listener
  // that would crash the test process instead of failing the pending command
  client.on('error', () => {});
  await client.connect();
  return client;
}

export async function appendMessages(
  login: ImapLogin,
  path: string,
  count: number,
  opts: { start?: number; flags?: string[]; internalDate?: Date } = {},
): Promise<{ uid: number; spec: SeedSpec; raw: Buffer }[]> {
  const start = opts.start ?? 0;
  const client = await imapClient(login);
  try {
    if (path.toUpperCase() !== 'INBOX') await client.mailboxCreate(path);
    const out: { uid: number; spec: SeedSpec; raw: Buffer }[] = [];
    for (let i = start; i < start + count; i++) {
      const spec = seedSpec(i);
      const raw = await buildMessage(spec);
      // arrival time as the internal date, as for delivered mail (older mail is not announced: notifyFrom)
      const res = await client.append(path, raw, opts.flags ?? [], opts.internalDate);
      if (!res || res.uid === undefined) throw new Error(`APPEND to ${path} returned no UID (UIDPLUS missing?)`);
      out.push({ uid: res.uid, spec, raw });
    }
    return out;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Subject of bulk message i (see bulkMessage). */
export function bulkSubject(i: number): string {
  return pick(SUBJECTS, i)(i);
}

const word = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;

/**
 * A small realistic message built from a template (multipart/mixed with text, html and a
 * little attachment, encoded-word subject and names): about 100x cheaper than MailComposer,
 * for folders of tens of thousands of messages.
 */
export function bulkMessage(i: number): Buffer {
  const from = pick(PEOPLE, i);
  const to = pick(PEOPLE, i + 1);
  const date = new Date(BASE_DATE + i * 60_000).toUTCString().replace('GMT', '+0000');
  const text = `Sõnum ${i}. Tere, ${to.name}!`;
  const lines = [
    `From: ${word(from.name)} <${from.address}>`, `To: ${word(to.name)} <${to.address}>`,
    `Subject: ${word(bulkSubject(i))}`, `Message-ID: <bulk-${i}@e2e.example>`, `Date: ${date}`,
    'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="mixed"', '',
    '--mixed', 'Content-Type: multipart/alternative; boundary="alt"', '',
    '--alt', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '',
    Buffer.from(text).toString('base64'), '--alt', 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '',
    Buffer.from(`<p>${text}</p>`).toString('base64'), '--alt--', '',
    '--mixed', `Content-Type: application/octet-stream; name="bulk-${i}.bin"`, `Content-Disposition: attachment; filename="bulk-${i}.bin"`,
    'Content-Transfer-Encoding: base64', '', Buffer.from(`attachment of message ${i}`).toString('base64'), '--mixed--', '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

/**
 * APPEND bulkMessage(start..start+count-1) over `concurrency` connections; returns UID → index,
 * since parallel APPENDs do not get UIDs in generation order.
 */
export async function appendBulk(login: ImapLogin, path: string, count: number, opts: { start?: number; concurrency?: number } = {}): Promise<Map<number, number>> {
  const start = opts.start ?? 0;
  const setup = await imapClient(login);
  if (path.toUpperCase() !== 'INBOX') await setup.mailboxCreate(path).catch(() => undefined);
  await setup.logout();
  const byUid = new Map<number, number>();
  let next = start;
  const worker = async () => {
    const client = await imapClient(login);
    try {
      for (let i = next++; i < start + count; i = next++) {
        const res = await client.append(path, bulkMessage(i), []);
        if (!res || res.uid === undefined) throw new Error(`APPEND to ${path} returned no UID`);
        byUid.set(res.uid, i);
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return byUid;
}
