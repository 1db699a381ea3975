// The fields of a message to compose (upload to a folder, submit over SMTP), in the shapes of
// the original IMAP API's MessageUpload and SubmitMessage. Rules no schema can state (CR/LF in
// header values, address syntax, base64, reserved headers) are in messages/compose-check.ts.
import Type, { type Static } from 'typebox';
import { closed } from './common.js';

export const ComposeAddress = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 256, description: 'Display name' })),
  address: Type.String({ minLength: 1, maxLength: 320, description: 'E-mail address (local@domain)' }),
}, { ...closed, description: 'A mailbox: display name and address' });
export type ComposeAddress = Static<typeof ComposeAddress>;

// 1000 recipients per list is far beyond what SMTP servers accept in one transaction (RFC 5321
// §4.5.3.1.8 requires only 100), yet bounds the work a single request can cause
const AddressList = (description: string, maxItems = 1000) =>
  Type.Array(ComposeAddress, { maxItems, description });

export const ComposeAttachment = Type.Object({
  filename: Type.Optional(Type.String({ maxLength: 256, description: 'File name shown to the recipient' })),
  // no maxLength: the request body limit bounds it, and attachmentBytes() lets a route answer 413
  content: Type.String({ description: 'File content, base64 encoded' }),
  contentType: Type.Optional(Type.String({ maxLength: 256, description: 'MIME type; guessed from the file name when absent' })),
  contentDisposition: Type.Optional(Type.Enum(['inline', 'attachment'], { 'x-caseless': true, description: 'inline with a cid makes an embedded image (any case)' })),
  cid: Type.Optional(Type.String({ maxLength: 256, description: 'Content-ID for embedded images, referenced as cid:… in the html' })),
  encoding: Type.Optional(Type.Literal('base64', { description: 'Encoding of content; only base64' })),
}, { ...closed, description: 'A file attached to the message' });
export type ComposeAttachment = Static<typeof ComposeAttachment>;

// RFC 5322 §3.6.8 field name: printable ASCII except colon; the length bound keeps a name on a line
const HeaderName = Type.String({ pattern: '^[!-9;-~]{1,256}$' });

export const MessageFields = Type.Object({
  from: Type.Optional(ComposeAddress),
  to: Type.Optional(AddressList('Recipients')),
  cc: Type.Optional(AddressList('Copy recipients')),
  bcc: Type.Optional(AddressList('Blind copy recipients: in the SMTP envelope, and in the header only of a copy stored in a folder')),
  replyTo: Type.Optional(AddressList('Addresses replies should go to', 50)),
  subject: Type.Optional(Type.String({ maxLength: 1024, description: 'Message subject' })),
  text: Type.Optional(Type.String({ maxLength: 5 * 1024 * 1024, description: 'Plain text body' })),
  html: Type.Optional(Type.String({ maxLength: 5 * 1024 * 1024, description: 'HTML body' })),
  attachments: Type.Optional(Type.Array(ComposeAttachment, { maxItems: 100, description: 'Attached files' })),
  headers: Type.Optional(Type.Record(HeaderName, Type.String({ maxLength: 8192 }), {
    ...closed,
    maxProperties: 50,
    description: 'Extra header fields, name → value; the fields the composer sets (From, Subject, Date, MIME headers, …) are refused',
  })),
  // RFC 5322 allows a line of 998 characters; the original's limit of 74 refuses real ids
  messageId: Type.Optional(Type.String({ maxLength: 998, description: 'Message-ID; generated when absent' })),
}, { ...closed, description: 'The fields of a message to compose' });
export type MessageFields = Static<typeof MessageFields>;
