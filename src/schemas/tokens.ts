// API tokens on the wire: what POST /v1/token takes and answers once (with the token), and what
// GET /v1/tokens lists (never the token or its hash).
import Type, { type Static } from 'typebox';
import { AccountId } from './common.js';

export const SCOPES = ['api', 'metrics', 'admin', 'stream', 'send'] as const;
export type Scope = (typeof SCOPES)[number];

export const ScopeSchema = Type.Union([Type.Literal('api'), Type.Literal('metrics'), Type.Literal('admin'), Type.Literal('stream'), Type.Literal('send')], {
  description: 'api: accounts, folders, messages, events; send: submit and outbox; stream: /v1/stream; metrics: /v1/stats; admin: settings, tokens, webhooks, logs, verifyAccount, and implies every other scope',
});

export const TokenInput = Type.Object({
  description: Type.String({ minLength: 1, maxLength: 1024, description: 'What the token is for (shown in the list)' }),
  scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
  account: Type.Optional(AccountId),
  expires: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601 time after which the token is refused' })),
}, { additionalProperties: false });
export type TokenInput = Static<typeof TokenInput>;

const view = {
  id: Type.String({ description: 'Names the token in GET /v1/tokens and DELETE /v1/token/{id}' }),
  description: Type.String(),
  scopes: Type.Array(ScopeSchema),
  account: Type.Optional(Type.String({ description: 'Only this account can be reached with the token' })),
  created: Type.String({ format: 'date-time' }),
  expires: Type.Optional(Type.String({ format: 'date-time' })),
};

export const TokenView = Type.Object({
  ...view,
  lastUsed: Type.Optional(Type.String({ format: 'date-time', description: 'Last accepted request (kept to the minute)' })),
});
export type TokenView = Static<typeof TokenView>;

export const TokenCreated = Type.Object({
  ...view,
  token: Type.String({ description: 'The token itself: shown this once, only its SHA-256 is stored. Send it as `Authorization: Bearer <token>`' }),
});
export type TokenCreated = Static<typeof TokenCreated>;

export const TokenList = Type.Object({ tokens: Type.Array(TokenView) });
export const TokenParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) }, { additionalProperties: false });
export const TokenDeleted = Type.Object({ id: Type.String(), deleted: Type.Boolean() });
