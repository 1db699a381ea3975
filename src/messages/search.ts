// API search criteria → imapflow's SEARCH query object (RFC 3501 6.4.4 keys).
import type { SearchObject } from 'imapflow';
import type { SearchCriteria } from '../schemas/message.js';

export function toImapSearch(s: SearchCriteria): SearchObject {
  const q: SearchObject = {};
  for (const flag of ['seen', 'flagged', 'answered', 'deleted', 'draft'] as const) {
    if (s[flag] !== undefined) q[flag] = s[flag];
  }
  for (const key of ['from', 'to', 'cc', 'bcc', 'subject', 'body'] as const) {
    if (s[key] !== undefined) q[key] = s[key];
  }
  for (const key of ['since', 'before', 'sentSince', 'sentBefore'] as const) {
    if (s[key] !== undefined) q[key] = new Date(s[key]);
  }
  if (s.larger !== undefined) q.larger = s.larger;
  if (s.smaller !== undefined) q.smaller = s.smaller;
  if (s.uid !== undefined) q.uid = s.uid;
  if (s.header) q.header = s.header;
  return q;
}
