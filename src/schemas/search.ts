// Search criteria: every key of the original IMAP API's SearchQuery, plus `or` and `not`
// nested to a fixed depth, so that a query stays a bounded IMAP SEARCH command.
import Type, { type Static } from 'typebox';
import { closed } from './common.js';

/** or/not levels below the top; a deeper one is a 400 naming the field */
export const SEARCH_DEPTH = 3;
/** criteria in one query, all levels together (each header field counts once) */
export const SEARCH_MAX_TERMS = 100;
const OR_MAX = 10;

const DateOrTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}:?\\d{2})?)?$', description: 'ISO 8601 date or date-time', 'x-reason': 'must be an ISO 8601 date or date-time' });
// a search term goes out as an IMAP string: CR, LF and NUL cannot be in one (RFC 3501 §4.3)
const ONE_LINE = { pattern: '^[^\\r\\n\\u0000]*$', 'x-reason': 'must not contain CR, LF or NUL' } as const;
const Text = (description: string) => Type.String({ minLength: 1, maxLength: 1024, ...ONE_LINE, description });
const NumberSet = (description: string) => Type.String({
  pattern: '^(\\d+|\\*)(:(\\d+|\\*))?(,(\\d+|\\*)(:(\\d+|\\*))?)*$', maxLength: 4096, description, 'x-reason': 'must be a set like "1:100,200,300:*"',
});
// numbers, as the original declares them; a fraction is rounded to the same set of messages
const Size = (description: string) => Type.Number({ minimum: 0, maximum: 1073741824, description });
const ObjectId = (description: string) => Type.String({ minLength: 1, maxLength: 256, pattern: '^[!-~]+$', description, 'x-reason': 'must be printable ASCII without spaces' });

const Criteria = {
  seq: Type.Optional(NumberSet('Sequence numbers, e.g. "1:10,*"')),
  uid: Type.Optional(NumberSet('UID set, e.g. "1:100,200"')),
  seen: Type.Optional(Type.Boolean()),
  unseen: Type.Optional(Type.Boolean()),
  flagged: Type.Optional(Type.Boolean()),
  answered: Type.Optional(Type.Boolean()),
  deleted: Type.Optional(Type.Boolean()),
  draft: Type.Optional(Type.Boolean()),
  from: Type.Optional(Text('Substring of From')),
  to: Type.Optional(Text('Substring of To')),
  cc: Type.Optional(Text('Substring of Cc')),
  bcc: Type.Optional(Text('Substring of Bcc')),
  subject: Type.Optional(Text('Substring of Subject')),
  body: Type.Optional(Text('Substring of the body')),
  // true: the field is present; false would be dropped silently by imapflow and widen the search
  header: Type.Optional(Type.Record(Type.String({ pattern: '^[!-9;-~]+$', 'x-reason': 'must be a header name (printable ASCII, no colon or space)' }), Type.Union([Type.String({ maxLength: 1024, ...ONE_LINE }), Type.Literal(true)]), {
    // a name outside the key pattern would otherwise pass as an additional property
    additionalProperties: false, maxProperties: 10, description: 'Header name → substring of its value, or true for "has this header"; {} (the original allows it) adds nothing',
  })),
  since: Type.Optional(DateOrTime),
  before: Type.Optional(DateOrTime),
  sentSince: Type.Optional(DateOrTime),
  sentBefore: Type.Optional(DateOrTime),
  larger: Type.Optional(Size('Larger than this many bytes')),
  smaller: Type.Optional(Size('Smaller than this many bytes')),
  modseq: Type.Optional(Type.Number({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Changed after this mod-sequence (MODSEQ higher than the value; needs CONDSTORE, RFC 7162)' })),
  emailId: Type.Optional(ObjectId('Unique message id (OBJECTID, RFC 8474, or Gmail); matches nothing on a server without such ids')),
  threadId: Type.Optional(ObjectId('Thread id (OBJECTID, RFC 8474, or Gmail); matches nothing on a server without such ids')),
};

const tooDeep = Type.Optional(Type.Never({ 'x-reason': `nests too deep (at most ${SEARCH_DEPTH} levels of or/not)` }));
const leaf = Type.Object({ ...Criteria, or: tooDeep, not: tooDeep }, { ...closed, minProperties: 1 });

function level<T extends typeof leaf>(inner: T, minProperties = 1) {
  return Type.Object({
    ...Criteria,
    or: Type.Optional(Type.Array(inner, { minItems: 2, maxItems: OR_MAX, description: 'Any of these (2 or more)' })),
    not: Type.Optional(inner),
  }, { ...closed, minProperties });
}

// written out level by level rather than as a cyclic schema: the depth bound is in the schema
const level1 = level(leaf);
const level2 = level(level1 as unknown as typeof leaf);
export const SearchCriteria = level(level2 as unknown as typeof leaf);
/** The nesting levels, innermost first, named in the API document. */
export const SearchLevels = { SearchLeaf: leaf, SearchLevel1: level1, SearchLevel2: level2 };
/** The search route also takes `{}` (every message, as the original); a bulk write never does. */
export const SearchOrAll = level(level2 as unknown as typeof leaf, 0);

export type SearchTerms = Omit<Static<typeof leaf>, 'or' | 'not'>;
/** One query level: its criteria hold together (AND), `or` and `not` nest further. */
export interface SearchCriteria extends SearchTerms {
  or?: SearchCriteria[];
  not?: SearchCriteria;
}
