// Decodes the text/plain and text/html parts of a message into JS strings. Each part is wrapped
// in a one-part MIME document so that mailparser applies its transfer decoding, charset table
// and format=flowed handling, the same code that decodes whole messages.
import { simpleParser, type SimpleParserOptions } from 'mailparser';
import { parseHeaders } from './headers.js';
import { dropCutChar, trimCutJis, trimCutQuotedPrintable } from './truncated.js';
import type { ParseTextResult, ParseTextTask, TextPartInput } from './types.js';

// mailparser would otherwise derive text from HTML (html-to-text, the costly step) and HTML
// from text, both thrown away here since each part gives only its own kind
const OPTIONS: SimpleParserOptions = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
};

type TransferEncoding = 'base64' | 'quoted-printable' | '8bit';

// parameter values come from the IMAP server; anything but RFC 2045 token characters could
// break out of the header line we build, so it is removed
const NOT_TOKEN = /[^A-Za-z0-9!#$%&'*+.^_`{|}~-]/g;

function transferEncoding(part: TextPartInput): TransferEncoding {
  // FETCH BINARY already removed the transfer encoding (RFC 3516 §4.2)
  if (part.decoded) return '8bit';
  const encoding = part.encoding?.trim().toLowerCase();
  // mailparser decodes only these two; 7bit, binary and unknown encodings pass through as is
  return encoding === 'base64' || encoding === 'quoted-printable' ? encoding : '8bit';
}

function mimeHeader(part: TextPartInput, encoding: TransferEncoding): string {
  let contentType = part.type === 'text/html' ? 'text/html' : 'text/plain';
  const charset = part.charset?.replace(NOT_TOKEN, '');
  if (charset) contentType += `; charset="${charset}"`;
  if (part.format?.trim().toLowerCase() === 'flowed') {
    contentType += '; format=flowed';
    if (part.delsp?.trim().toLowerCase() === 'yes') contentType += '; delsp=yes';
  }
  return `Content-Type: ${contentType}\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`;
}

function cutBody(part: TextPartInput, encoding: TransferEncoding): Uint8Array {
  if (encoding === 'quoted-printable') return trimCutQuotedPrintable(part.body);
  // a stateful charset: a lone half character decodes to "?", not to a U+FFFD dropCutChar sees
  const jis = encoding === '8bit' && /^iso-?2022-?jp/i.test(part.charset ?? '');
  return jis ? trimCutJis(part.body) : part.body;
}

/** Decodes one part's body to a string; never throws on bad input. */
async function decodePart(part: TextPartInput): Promise<string> {
  const encoding = transferEncoding(part);
  const body = part.truncated ? cutBody(part, encoding) : part.body;
  const doc = Buffer.concat([Buffer.from(mimeHeader(part, encoding), 'latin1'), body]);
  let text: string;
  try {
    const mail = await simpleParser(doc, OPTIONS);
    const value = part.type === 'text/html' ? mail.html : mail.text;
    text = typeof value === 'string' ? value : '';
  } catch {
    // the raw bytes read as UTF-8 serve the reader better than failing the whole message
    text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  }
  return part.truncated ? dropCutChar(text) : text;
}

async function joinParts(parts: TextPartInput[]): Promise<string | null> {
  if (parts.length === 0) return null;
  const texts = await Promise.all(parts.map(decodePart));
  return texts.join('\n');
}

/** Decodes every part of the task, plain and html apart, and the header block when given. */
export async function parseText(task: ParseTextTask): Promise<ParseTextResult> {
  const [plain, html] = await Promise.all([
    joinParts(task.parts.filter((p) => p.type !== 'text/html')),
    joinParts(task.parts.filter((p) => p.type === 'text/html')),
  ]);
  const result: ParseTextResult = { plain, html };
  if (task.headers) result.headers = parseHeaders(task.headers);
  return result;
}
