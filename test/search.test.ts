// Search translation: API criteria → imapflow query → the SEARCH command imapflow sends,
// compiled by imapflow's own compilers against a server's capability list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImapFlow } from 'imapflow';
import { searchCompiler } from 'imapflow/lib/search-compiler.js';
import compiler from 'imapflow/lib/handler/imap-compiler.js';
import { toImapSearch } from '../src/messages/search.js';
import { ApiError } from '../src/errors.js';
import type { SearchCriteria } from '../src/schemas/search.js';

const DOVECOT = ['IMAP4rev1', 'CONDSTORE', 'QRESYNC', 'ESEARCH', 'SPECIAL-USE'];
const server = (caps: string[]) => ({ capabilities: new Map(caps.map((c) => [c, true])), enabled: new Set<string>() });

/** The SEARCH command line imapflow would send for `criteria`. */
function imapLine(criteria: SearchCriteria, caps = DOVECOT): string {
  const connection = server(caps);
  const attributes = searchCompiler(connection as unknown as ImapFlow, toImapSearch(criteria, connection.capabilities));
  return compiler({ tag: 'A1', command: 'UID SEARCH', attributes } as never).toString();
}

function refused(criteria: SearchCriteria, caps = DOVECOT): { field: string; reason: string }[] {
  try {
    toImapSearch(criteria, server(caps).capabilities);
  } catch (err) {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 400);
    return err.details as { field: string; reason: string }[];
  }
  assert.fail('expected a 400');
}

test('flags, the original\'s unseen, texts, sets and sizes', () => {
  assert.equal(imapLine({ unseen: true }), 'A1 UID SEARCH UNSEEN');
  assert.equal(imapLine({ unseen: false, flagged: true, draft: false }), 'A1 UID SEARCH SEEN FLAGGED UNDRAFT');
  assert.equal(imapLine({ seq: '1:10,*', uid: '5:*' }), 'A1 UID SEARCH 1:10,* UID 5:*');
  assert.equal(imapLine({ from: 'ann', subject: 'a b' }), 'A1 UID SEARCH FROM ann SUBJECT "a b"');
  assert.equal(imapLine({ larger: 100, smaller: 2000 }), 'A1 UID SEARCH LARGER 100 SMALLER 2000');
  assert.equal(imapLine({ larger: 99.5, smaller: 1999.5, modseq: 7.5 }), 'A1 UID SEARCH LARGER 99 SMALLER 2000 MODSEQ 8', 'fractions, as the original\'s numbers allow');
  assert.equal(imapLine({ header: { 'X-Tag': 'blue', 'List-Id': true } }), 'A1 UID SEARCH HEADER X-TAG blue HEADER LIST-ID ""');
  assert.equal(imapLine({ sentSince: '2024-01-15' }), 'A1 UID SEARCH SENTSINCE 15-Jan-2024');
});

test('zero sizes keep their meaning where imapflow would drop a falsy value', () => {
  assert.equal(imapLine({ larger: 0 }), 'A1 UID SEARCH ALL');
  assert.equal(imapLine({ not: { larger: 0 } }), 'A1 UID SEARCH NOT ALL');
  assert.equal(imapLine({ smaller: 0 }), 'A1 UID SEARCH SMALLER 1');
  assert.equal(imapLine({ header: {} }), 'A1 UID SEARCH ALL', 'an empty header object, which the original allows, adds nothing');
  assert.equal(imapLine({ seen: true, not: { header: {} } }), 'A1 UID SEARCH SEEN NOT ALL');
});

test('modseq means strictly higher, and needs CONDSTORE', () => {
  assert.equal(imapLine({ modseq: 41 }), 'A1 UID SEARCH MODSEQ 42');
  assert.equal(imapLine({ modseq: 0 }), 'A1 UID SEARCH MODSEQ 1');
  assert.deepEqual(refused({ or: [{ seen: true }, { modseq: 5 }] }, ['IMAP4rev1']).map((p) => p.field), ['search.or.1.modseq']);
});

test('emailId and threadId use OBJECTID or Gmail\'s ids; without either no message has one', () => {
  assert.equal(imapLine({ emailId: 'M6d99ac3275bb4e', threadId: 'T64b478a75b7ea9' }, [...DOVECOT, 'OBJECTID']), 'A1 UID SEARCH EMAILID M6d99ac3275bb4e THREADID T64b478a75b7ea9');
  assert.equal(imapLine({ emailId: '1694937972638499881' }, ['IMAP4rev1', 'X-GM-EXT-1']), 'A1 UID SEARCH X-GM-MSGID 1694937972638499881');
  assert.equal(imapLine({ emailId: 'x', seen: true }), 'A1 UID SEARCH NOT ALL', 'matches nothing, never a wider search');
  assert.equal(imapLine({ seen: true, not: { threadId: 'y' } }), 'A1 UID SEARCH SEEN NOT NOT ALL');
  assert.equal(imapLine({ or: [{ threadId: 'y' }, { flagged: true }] }), 'A1 UID SEARCH OR NOT ALL FLAGGED');
});

test('or of 2..N criteria and not, nested, with parentheses around multi-key operands', () => {
  assert.equal(imapLine({ or: [{ from: 'a' }, { from: 'b' }] }), 'A1 UID SEARCH OR FROM a FROM b');
  assert.equal(imapLine({ or: [{ from: 'a' }, { from: 'b' }, { from: 'c' }] }), 'A1 UID SEARCH OR OR FROM a FROM b FROM c');
  assert.equal(imapLine({ not: { seen: true, flagged: true } }), 'A1 UID SEARCH NOT (SEEN FLAGGED)');
  assert.equal(
    imapLine({ unseen: true, or: [{ subject: 'x', not: { from: 'y' } }, { header: { 'x-a': '1' } }] }),
    'A1 UID SEARCH UNSEEN OR (SUBJECT x NOT FROM y) HEADER X-A 1',
  );
});

test('a query with too many criteria in all is a 400 on the search field', () => {
  const many = { or: Array.from({ length: 10 }, () => ({ or: Array.from({ length: 10 }, (_, i) => ({ subject: `s${i}` })) })) };
  const problems = refused(many as SearchCriteria);
  assert.equal(problems[0]?.field, 'search');
  assert.match(problems[0]!.reason, /at most 100/);
});
