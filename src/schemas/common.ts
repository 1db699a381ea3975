// Schemas shared by every resource: error body, paging, account id.
import Type from 'typebox';
import { CODES } from '../errors.js';

/** Objects that refuse unknown fields: a typo in a request is a 400, not silently ignored. */
export const closed = { additionalProperties: false } as const;

export const ErrorBody = Type.Object({
  error: Type.String({ description: 'HTTP reason phrase' }),
  message: Type.String(),
  statusCode: Type.Integer(),
  code: Type.Enum(Object.keys(CODES)),
  details: Type.Optional(Type.Unknown()),
}, { additionalProperties: false });

/** Ids of the caller's choosing: any printable text, no control characters. */
export const AccountId = Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'Account id chosen by the caller' });

export const AccountParams = Type.Object({ account: AccountId }, closed);

/** A message, text or attachment id as it appears in a path (base64url). */
export const MessageIdParam = Type.String({ minLength: 11, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$' });

export const Page = Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Page number, from 0' });
/** The largest page a list or search returns. */
export const MAX_PAGE_SIZE = 1000;
export const PageSize = Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20, description: 'Entries per page' });

export const Paged = {
  total: Type.Integer({ minimum: 0 }),
  page: Type.Integer({ minimum: 0 }),
  pages: Type.Integer({ minimum: 0 }),
};

/** Page count and slice bounds for `total` entries. */
export function pageBounds(total: number, page: number, pageSize: number): { pages: number; start: number; end: number } {
  const pages = Math.ceil(total / pageSize);
  const start = page * pageSize;
  return { pages, start, end: Math.min(start + pageSize, total) };
}
