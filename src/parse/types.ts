// Tasks the front thread hands to the parse pool and the results it gets back: plain,
// structured-clone-safe data so they cross the worker boundary unchanged.
import type { MessageFields } from '../schemas/compose.js';

/** One text/plain or text/html body part as fetched over IMAP, without its MIME headers. */
export interface TextPartInput {
  part: string;                 // IMAP part number, e.g. "1.2"
  type: 'text/plain' | 'text/html';
  charset?: string;             // from BODYSTRUCTURE parameters, any case; may be missing or unknown
  encoding?: string;            // Content-Transfer-Encoding from BODYSTRUCTURE, any case
  decoded?: boolean;            // fetched with FETCH BINARY (RFC 3516): transfer encoding already removed
  format?: string;              // format=flowed parameters (RFC 3676), when present
  delsp?: string;
  body: Uint8Array;             // raw part content, possibly cut at maxBytes
  truncated: boolean;           // body was cut, so its tail may hold half an escape or character
}

export interface ParseTextTask {
  kind: 'text';
  parts: TextPartInput[];
  headers?: Uint8Array;         // raw header block of the message, CRLF lines
}

export interface ParseTextResult {
  plain: string | null;         // plain parts joined with "\n"; null when none was asked
  html: string | null;          // html parts joined with "\n"; null when none was asked
  headers?: Record<string, string[]>; // only when task.headers was given, see parseHeaders()
}

/** A file of the original message carried over on a forward, already decoded. */
export interface ExtraAttachment {
  filename?: string;
  contentType: string;
  content: Uint8Array;
  cid?: string;
  inline?: boolean;
}

export interface ComposeTask {
  kind: 'compose';
  fields: MessageFields;        // checked with checkMessageFields before it gets here
  inReplyTo?: string;           // with angle brackets, see messages/reply.ts referencesFor()
  references?: string[];
  extraAttachments?: ExtraAttachment[];
  quoted?: { text?: string; html?: string }; // forwarded or quoted copy, appended below the text/html
  keepBcc: boolean;             // true for a copy stored in a folder, false for what goes over SMTP
  date?: string;                // ISO 8601; now when absent
  messageIdDomain?: string;     // for a generated Message-ID; default the from domain, else imapapi.local
}

export interface ComposeResult {
  raw: Uint8Array;              // RFC 822 bytes, CRLF line ends
  messageId: string;            // with angle brackets
  envelope: { from: string | null; to: string[] }; // to: to+cc+bcc, each address once (case-insensitive)
}

export type ParseTask = ParseTextTask | ComposeTask;
export type ParseResult = ParseTextResult | ComposeResult;

interface ResultByKind { text: ParseTextResult; compose: ComposeResult }
/** The result type a task of kind T resolves to. */
export type ResultOf<T extends ParseTask> = ResultByKind[T['kind']];
