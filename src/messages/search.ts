// API search criteria → imapflow's SEARCH query object (RFC 3501 §6.4.4 keys, or/not nested),
// refusing with a 400 what the server cannot search for rather than sending a wider search.
import type { SearchObject } from 'imapflow';
import { validationError, type FieldProblem } from '../errors.js';
import { SEARCH_MAX_TERMS, type SearchCriteria } from '../schemas/search.js';

/** What the translation needs to know of the server (imapflow's `client.capabilities`). */
export interface Capabilities { has(name: string): boolean }

const FLAGS = ['seen', 'unseen', 'flagged', 'answered', 'deleted', 'draft'] as const;
const TEXTS = ['from', 'to', 'cc', 'bcc', 'subject', 'body', 'seq', 'uid'] as const;
const DATES = ['since', 'before', 'sentSince', 'sentBefore'] as const;

interface Walk { caps: Capabilities; problems: FieldProblem[]; terms: number }

function needs(w: Walk, field: string, ok: boolean, what: string): void {
  if (!ok) w.problems.push({ field, reason: `the IMAP server does not support ${what}` });
}

// imapflow compiles `unseen` (UNSEEN) but its type leaves it out
type Query = SearchObject & { unseen?: boolean };

function level(s: SearchCriteria, field: string, w: Walk): Query {
  const q: Query = {};
  for (const key of FLAGS) if (s[key] !== undefined) q[key] = s[key];
  for (const key of TEXTS) if (s[key] !== undefined) q[key] = s[key];
  for (const key of DATES) if (s[key] !== undefined) q[key] = new Date(s[key]);
  // imapflow drops a 0 (falsy): LARGER 0 is every message, ALL says so and survives under NOT
  const larger = s.larger === undefined ? undefined : Math.floor(s.larger);
  if (larger !== undefined) { if (larger > 0) q.larger = larger; else q.all = true; }
  // nothing is smaller than 0 bytes, and no message has 0 bytes either
  if (s.smaller !== undefined) q.smaller = Math.max(Math.ceil(s.smaller), 1);
  if (s.modseq !== undefined) {
    needs(w, `${field}.modseq`, w.caps.has('CONDSTORE') || w.caps.has('QRESYNC'), 'CONDSTORE (RFC 7162), needed to search by modseq');
    // the SEARCH key matches "equal or greater" (RFC 7162 §3.1.5); the API promises "higher"
    q.modseq = BigInt(Math.floor(s.modseq)) + 1n;
  }
  // a server without message ids (OBJECTID, RFC 8474, or Gmail) has no message with this one:
  // the level matches nothing, the honest answer, where dropping the key would widen the search
  const objectIds = w.caps.has('OBJECTID') || w.caps.has('X-GM-EXT-1');
  let none = false;
  for (const key of ['emailId', 'threadId'] as const) {
    if (s[key] === undefined) continue;
    if (objectIds) q[key] = s[key];
    else none = true;
  }
  if (s.header && Object.keys(s.header).length) q.header = s.header;
  w.terms += Object.keys(s).length + (s.header ? Object.keys(s.header).length - 1 : 0);
  if (s.or) q.or = s.or.map((sub, i) => level(sub, `${field}.or.${i}`, w));
  if (s.not) q.not = level(s.not, `${field}.not`, w);
  // a level of only `header: {}` asks for nothing: every message, as an empty AND is
  if (!Object.keys(q).length) q.all = true;
  return none ? { not: { all: true } } : q;
}

/** The imapflow query for `criteria`; a 400 naming the field for what this server cannot search. */
export function toImapSearch(criteria: SearchCriteria, caps: Capabilities, field = 'search'): SearchObject {
  const w: Walk = { caps, problems: [], terms: 0 };
  const query = level(criteria, field, w);
  if (w.terms > SEARCH_MAX_TERMS) w.problems.push({ field, reason: `has ${w.terms} criteria, at most ${SEARCH_MAX_TERMS} are allowed` });
  if (w.problems.length) throw validationError(w.problems.slice(0, 20), 'This search cannot be run on this server');
  return query;
}
