// Shapes of sending: the submit body (the original IMAP API's SubmitMessage plus raw, reply-all,
// inline forwards and scheduling), its answer, and the outbox as the API shows it.
import Type, { type Static } from 'typebox';
import { closed, MessageIdParam, Page, PageSize, Paged, AccountId } from './common.js';
import { MessageFields } from './compose.js';

export const SubmitReference = Type.Object({
  message: MessageIdParam,
  action: Type.Optional(Type.Enum(['reply', 'replyAll', 'forward'], { default: 'reply', 'x-caseless': true, description: 'reply (default), replyAll or forward, in any case' })),
  inline: Type.Optional(Type.Boolean({ description: 'forward: quote the original below the text, besides attaching its files' })),
}, { ...closed, description: 'The message this one replies to or forwards (an IMAP API message id, not a Message-ID)' });

export const SubmitBody = Type.Object({
  ...MessageFields.properties,
  raw: Type.Optional(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9+/=\\r\\n_-]+$', description: 'A complete RFC 822 message, base64, instead of the fields (the envelope comes from its From/To/Cc/Bcc)' })),
  reference: Type.Optional(SubmitReference),
  sendAt: Type.Optional(Type.String({ format: 'date-time', description: 'Send at this time instead of now' })),
}, { ...closed, description: 'A message to send through the account\'s SMTP server' });
export type SubmitBody = Static<typeof SubmitBody>;

export const SubmitResult = Type.Object({
  response: Type.String({ description: '"Queued for delivery": the SMTP answer comes in the messageSent event' }),
  messageId: Type.String({ description: 'Message-ID header value' }),
  queueId: Type.String({ description: 'Outbox entry, see GET /v1/outbox/{queueId}' }),
  sendAt: Type.Optional(Type.String({ format: 'date-time' })),
});
export type SubmitResult = Static<typeof SubmitResult>;

export const OutboxEntry = Type.Object({
  queueId: Type.String(),
  account: Type.String(),
  messageId: Type.String(),
  subject: Type.String(),
  recipients: Type.Array(Type.String()),
  state: Type.Union([Type.Literal('queued'), Type.Literal('scheduled'), Type.Literal('retrying'), Type.Literal('sending')]),
  attempts: Type.Integer(),
  nextAttempt: Type.String({ format: 'date-time' }),
  created: Type.String({ format: 'date-time' }),
  sendAt: Type.Optional(Type.String({ format: 'date-time' })),
  lastResponse: Type.Optional(Type.String({ description: "The SMTP server's words on the last failed try" })),
  possibleDuplicate: Type.Optional(Type.Boolean({ description: 'A try may have been delivered (the connection broke after the message was sent)' })),
});
export type OutboxEntry = Static<typeof OutboxEntry>;

export const OutboxQuery = Type.Object({ page: Type.Optional(Page), pageSize: Type.Optional(PageSize), account: Type.Optional(AccountId) }, closed);
export const OutboxPage = Type.Object({ ...Paged, messages: Type.Array(OutboxEntry) });
export const OutboxParams = Type.Object({ queueId: Type.String({ pattern: '^[0-9a-f]{16,64}$' }) }, closed);
export const OutboxDeleted = Type.Object({ deleted: Type.Boolean(), queueId: Type.String() });
