// Composes an outgoing message with nodemailer's MailComposer: RFC 822 bytes with CRLF line
// ends, the Message-ID it carries and the SMTP envelope. Runs on a parse pool thread.
import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { owned } from '../protocol/transfer.js';
import type { ComposeAddress, MessageFields } from '../schemas/compose.js';
import type { ComposeResult, ComposeTask, ExtraAttachment } from './types.js';

const DEFAULT_DOMAIN = 'imapapi.local';

// newline exists in nodemailer but not in @types/nodemailer: without it MailComposer keeps the
// bare LFs of text bodies, which IMAP servers and SMTP relays then rewrite or refuse
type ComposerOptions = Mail.Options & { newline: 'windows' };

const address = (a: ComposeAddress): Mail.Address => ({ name: a.name ?? '', address: a.address });
const addresses = (list: ComposeAddress[] | undefined) => (list?.length ? list.map(address) : undefined);

function attachments(task: ComposeTask): Mail.Attachment[] {
  const given = (task.fields.attachments ?? []).map((a): Mail.Attachment => ({
    filename: a.filename,
    content: Buffer.from(a.content, 'base64'),
    contentType: a.contentType,
    contentDisposition: a.contentDisposition,
    cid: a.cid,
  }));
  return [...given, ...(task.extraAttachments ?? []).map(extraAttachment)];
}

function extraAttachment(a: ExtraAttachment): Mail.Attachment {
  return {
    filename: a.filename,
    content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
    contentType: a.contentType,
    contentDisposition: a.inline ? 'inline' : 'attachment',
    cid: a.cid,
  };
}

/** `<id>` for a given id, else a random one at the task's domain. */
function messageIdFor(task: ComposeTask): string {
  const given = task.fields.messageId?.trim();
  if (given) return `${given.startsWith('<') ? '' : '<'}${given}${given.endsWith('>') ? '' : '>'}`;
  const from = task.fields.from?.address;
  let domain = task.messageIdDomain ?? (from ? from.slice(from.lastIndexOf('@') + 1) : DEFAULT_DOMAIN);
  // RFC 5322 msg-id is ASCII: an IDN goes in its A-label form, an unusable domain is replaced
  if (!domain.startsWith('[') && /[^\x00-\x7f]/.test(domain)) domain = domainToASCII(domain);
  if (!/^[!-;=?-~]+$/.test(domain)) domain = DEFAULT_DOMAIN;
  return `<${randomUUID()}@${domain}>`;
}

/**
 * The bodies with the quoted copy appended: its text below the text, its html inside the html.
 * A text-only message stays text-only and an html-only one html-only; with neither, the copy is all.
 */
function bodies(fields: MessageFields, quoted: ComposeTask['quoted']): { text?: string; html?: string } {
  const { text, html } = fields;
  if (!quoted) return { ...(text !== undefined && { text }), ...(html !== undefined && { html }) };
  const out: { text?: string; html?: string } = {};
  if (text !== undefined || html === undefined) {
    const joined = joinText(text, quoted.text);
    if (joined !== undefined) out.text = joined;
  }
  if (html !== undefined || text === undefined) {
    const joined = joinHtml(html, quoted.html);
    if (joined !== undefined) out.html = joined;
  }
  return out;
}

function joinText(own: string | undefined, quoted: string | undefined): string | undefined {
  if (own === undefined || quoted === undefined) return own ?? quoted;
  return `${own}${own.endsWith('\n') ? '' : '\n'}\n${quoted}`;
}

function joinHtml(own: string | undefined, quoted: string | undefined): string | undefined {
  if (own === undefined || quoted === undefined) return own ?? quoted;
  // inside the document, not after </html>, where strict renderers would drop it
  const end = own.toLowerCase().lastIndexOf('</body');
  return end < 0 ? `${own}\n${quoted}` : `${own.slice(0, end)}${quoted}\n${own.slice(end)}`;
}

function composerOptions(task: ComposeTask, messageId: string): ComposerOptions {
  const { fields } = task;
  const date = task.date === undefined ? new Date() : new Date(task.date);
  if (Number.isNaN(date.getTime())) throw new TypeError(`compose: invalid date ${task.date}`);
  return {
    from: fields.from && address(fields.from),
    to: addresses(fields.to),
    cc: addresses(fields.cc),
    bcc: addresses(fields.bcc),
    replyTo: addresses(fields.replyTo),
    subject: fields.subject,
    ...bodies(fields, task.quoted),
    attachments: attachments(task),
    // custom headers first: MailComposer then sets its own fields over any same-named ones
    headers: fields.headers,
    messageId,
    date,
    inReplyTo: task.inReplyTo,
    references: task.references?.length ? task.references : undefined,
    newline: 'windows',
  };
}

/** Each address once, compared case-insensitively, in the order given. */
function unique(list: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const a of list) {
    const key = a.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}

/** Builds the message of a compose task. */
export async function composeMessage(task: ComposeTask): Promise<ComposeResult> {
  const messageId = messageIdFor(task);
  const node = new MailComposer(composerOptions(task, messageId)).compile();
  // Bcc stays in the stored copy (the sender's record) but never in what recipients receive
  node.keepBcc = task.keepBcc;
  const raw = await node.build();
  // nodemailer's envelope carries IDN domains in their A-label form, as the headers do
  const envelope = node.getEnvelope();
  return {
    // a small Buffer is a slice of the thread's shared pool, which must not be moved away
    raw: owned(raw),
    messageId,
    envelope: { from: task.fields.from && envelope.from ? envelope.from : null, to: unique(envelope.to) },
  };
}
