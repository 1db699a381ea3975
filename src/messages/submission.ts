// Pure rules of a submission: the compose task for structured fields (From defaulted to the
// account, a reply's recipients, subject and threading, a forward's files and quoted copy), and
// the envelope and Message-ID of a raw message from its own header fields.
import { randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { validationError } from '../errors.js';
import { parseHeaders } from '../parse/headers.js';
import type { ComposeTask } from '../parse/types.js';
import type { ReferenceAction, SubmitPrep } from '../protocol/ops.js';
import type { ComposeAddress, MessageFields } from '../schemas/compose.js';
import type { SubmitBody } from '../schemas/submit.js';
import { forwardSubject, quotedForward, referencesFor, replyRecipients, replySubject } from './reply.js';

/** The message fields of `body` (everything but raw, reference and sendAt). */
export function fieldsOf(body: SubmitBody): MessageFields {
  const { raw: _raw, reference: _ref, sendAt: _at, ...fields } = body;
  return fields;
}

/** What the composer gets for a structured submission; `quoted` is the decoded original text of an inline forward. */
export function composeTaskFor(body: SubmitBody, prep: SubmitPrep, quoted?: { text: string | null; html: string | null }, forSending = true): ComposeTask {
  const fields = fieldsOf(body);
  const from = fields.from ?? prep.identity ?? undefined;
  // an upload (a draft) may have no From at all, as in the original; mail that is sent may not
  if (!from && forSending) throw validationError([{ field: 'from', reason: 'is required: the account has no address to send from' }], 'Invalid body');
  // a copy stored in a folder keeps its Bcc header; what goes over SMTP must not carry it
  const task: ComposeTask = { kind: 'compose', fields: { ...fields, ...(from ? { from } : {}) }, keepBcc: !forSending };
  // a scheduled message is dated when it goes out, not when it was queued
  const at = body.sendAt ? Date.parse(body.sendAt) : NaN;
  if (forSending && at > Date.now()) task.date = new Date(at).toISOString();
  const ref = prep.reference;
  const action: ReferenceAction = body.reference?.action ?? 'reply';
  if (ref && action === 'forward') {
    task.fields.subject ??= forwardSubject(ref.subject);
    if (ref.attachments.length) task.extraAttachments = ref.attachments;
    if (body.reference?.inline) {
      const copy = quotedForward({ ...pick(ref), subject: ref.subject, date: ref.date, text: quoted?.text ?? null, html: quoted?.html ?? null });
      task.quoted = { text: copy.text, html: copy.html };
    }
  } else if (ref) {
    task.fields.subject ??= replySubject(ref.subject);
    const threading = referencesFor({ ...(ref.messageId ? { messageId: ref.messageId } : {}), ...(ref.references ? { references: ref.references } : {}), ...(ref.inReplyTo ? { inReplyTo: ref.inReplyTo } : {}) });
    if (threading.inReplyTo) task.inReplyTo = threading.inReplyTo;
    if (threading.references.length) task.references = threading.references;
    if (!fields.to && !fields.cc) {
      const { to, cc } = replyRecipients(pick(ref), prep.own, action === 'replyAll');
      task.fields.to = to;
      if (cc.length) task.fields.cc = cc;
    }
  }
  const f = task.fields;
  if (forSending && !(f.to?.length || f.cc?.length || f.bcc?.length)) throw validationError([{ field: 'to', reason: 'at least one recipient is required (to, cc or bcc)' }], 'Invalid body');
  return task;
}

function pick(ref: NonNullable<SubmitPrep['reference']>): { from?: ComposeAddress; replyTo?: ComposeAddress[]; to?: ComposeAddress[]; cc?: ComposeAddress[] } {
  const out: { from?: ComposeAddress; replyTo?: ComposeAddress[]; to?: ComposeAddress[]; cc?: ComposeAddress[] } = {};
  if (ref.from) out.from = ref.from;
  if (ref.replyTo) out.replyTo = ref.replyTo;
  if (ref.to) out.to = ref.to;
  if (ref.cc) out.cc = ref.cc;
  return out;
}

const END_OF_HEADER = /\r?\n\r?\n/;
/** header blocks longer than this are not looked into (RFC 5322 lines are ≤ 998 characters) */
const HEADER_SCAN = 256 * 1024;

/** Addresses of the header fields `names`, each once (case-insensitive). */
function addressesIn(headers: Record<string, string[]>, names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) {
    for (const value of headers[name] ?? []) {
      for (const a of addressparser(value, { flatten: true })) if (a.address) seen.set(a.address.toLowerCase(), a.address);
    }
  }
  return [...seen.values()];
}

/** Envelope, Message-ID and subject of a raw message; a Message-ID is added when it has none. */
export function rawSubmission(raw: Uint8Array, domain: string, date = new Date()): { raw: Uint8Array; envelope: { from: string; to: string[] }; messageId: string; subject: string } {
  // only the header block is read: a 25 MB message is never turned into a string here
  const head = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, HEADER_SCAN)).toString('latin1');
  const cut = END_OF_HEADER.exec(head);
  const headers = parseHeaders(raw.subarray(0, cut ? cut.index + cut[0].length : raw.byteLength));
  const from = addressesIn(headers, ['sender', 'from'])[0];
  const to = addressesIn(headers, ['to', 'cc', 'bcc']);
  const problems = [...(!from ? [{ field: 'raw', reason: 'has no From address' }] : []), ...(!to.length ? [{ field: 'raw', reason: 'has no To, Cc or Bcc address' }] : [])];
  if (problems.length || !from) throw validationError(problems, 'Invalid body');
  let messageId = headers['message-id']?.[0]?.trim();
  let bytes = headers.bcc ? withoutBcc(raw, cut ? cut.index : raw.byteLength) : raw;
  if (!messageId) {
    // receivers drop a retried duplicate by its Message-ID (RFC 1047), so every submission has one
    messageId = `<${randomUUID()}@${domain}>`;
    bytes = new Uint8Array(Buffer.concat([Buffer.from(`Message-ID: ${messageId}\r\n`), bytes]));
  }
  // RFC 5322 §3.6 requires a Date; many relays refuse or mark a message without one
  if (!headers.date) bytes = new Uint8Array(Buffer.concat([Buffer.from(`Date: ${rfc5322Date(date)}\r\n`), bytes]));
  return { raw: bytes, envelope: { from, to }, messageId, subject: headers.subject?.[0] ?? '' };
}

/** `Tue, 01 Dec 2026 12:34:33 +0000` (RFC 5322 §3.3, in UTC). */
function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** `raw` without its Bcc field (and the field's folded lines): blind copies must stay blind. */
function withoutBcc(raw: Uint8Array, headerEnd: number): Uint8Array {
  const head = Buffer.from(raw.buffer, raw.byteOffset, headerEnd).toString('latin1');
  const kept: string[] = [];
  let dropping = false;
  for (const line of head.split(/(?<=\n)/)) {
    if (/^[ \t]/.test(line)) { if (!dropping) kept.push(line); continue; }
    dropping = /^bcc[ \t]*:/i.test(line);
    if (!dropping) kept.push(line);
  }
  // with Bcc last, the line before it now ends the header with its own line break
  const text = kept.join('').replace(/\r?\n$/, '');
  return new Uint8Array(Buffer.concat([Buffer.from(text, 'latin1'), raw.subarray(headerEnd)]));
}
