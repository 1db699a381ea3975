// The redaction of IMAP traffic lines and the bounded ring they are kept in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HIDDEN, MAX_LINE, redactLine } from '../src/imap/log-redact.js';
import { LineRing } from '../src/lib/line-ring.js';

const PASS = 'Sesame-7f3k9Q';

test('LOGIN keeps the user name and hides the password, quoted or not', () => {
  assert.equal(redactLine('c', `A1 LOGIN alice ${PASS}`), `A1 LOGIN alice ${HIDDEN}`);
  assert.equal(redactLine('c', `3 login "alice smith" "pa ss\\"word"`), `3 login "alice smith" ${HIDDEN}`);
  assert.equal(redactLine('c', '2 LOGIN "bob" "(* value hidden *)"'), `2 LOGIN "bob" ${HIDDEN}`);
});

test('AUTHENTICATE keeps the mechanism and hides an initial response', () => {
  const plain = Buffer.from(`\0alice\0${PASS}`).toString('base64');
  assert.equal(redactLine('c', `A2 AUTHENTICATE PLAIN ${plain}`), `A2 AUTHENTICATE PLAIN ${HIDDEN}`);
  const xoauth = Buffer.from('user=alice\x01auth=Bearer ya29.tok\x01\x01').toString('base64');
  assert.equal(redactLine('c', `A3 AUTHENTICATE XOAUTH2 ${xoauth}`), `A3 AUTHENTICATE XOAUTH2 ${HIDDEN}`);
  assert.equal(redactLine('c', 'A4 AUTHENTICATE OAUTHBEARER'), 'A4 AUTHENTICATE OAUTHBEARER');
});

test('a client line of one token (a SASL answer to "+") is hidden; DONE is kept', () => {
  assert.equal(redactLine('c', Buffer.from(`\0alice\0${PASS}`).toString('base64')), HIDDEN);
  assert.equal(redactLine('c', Buffer.from(PASS).toString('base64')), HIDDEN);
  assert.equal(redactLine('c', 'DONE'), 'DONE');
  assert.equal(redactLine('s', '+ idling'), '+ idling');
});

test('ordinary commands and responses pass unchanged', () => {
  assert.equal(redactLine('c', '5 UID FETCH 1:* (UID FLAGS)'), '5 UID FETCH 1:* (UID FLAGS)');
  assert.equal(redactLine('s', '* 3 EXISTS'), '* 3 EXISTS');
  assert.equal(redactLine('s', '4 OK [READ-WRITE] Select completed'), '4 OK [READ-WRITE] Select completed');
});

test('known secrets are scrubbed wherever they appear, also JSON-escaped and base64', () => {
  assert.equal(redactLine('s', `* BAD you said ${PASS}`, [PASS]), `* BAD you said ${HIDDEN}`);
  const odd = 'q"uo\\te';
  assert.equal(redactLine('s', `x ${JSON.stringify(odd).slice(1, -1)} y`, [odd]), `x ${HIDDEN} y`);
  assert.equal(redactLine('s', `+ ${Buffer.from(PASS).toString('base64')}`, [PASS]), `+ ${HIDDEN}`);
  // a one-letter "secret" would blank the log: too short to scrub
  assert.equal(redactLine('s', '* OK a', ['a']), '* OK a');
});

test('literal contents are replaced by their size, also imapflow placeholders', () => {
  const body = 'Secret body text '.repeat(10);
  const line = redactLine('s', `* 1 FETCH (UID 7 BODY[] {${body.length}}\r\n${body} FLAGS (\\Seen))`);
  assert.equal(line, `* 1 FETCH (UID 7 BODY[] … <${body.length} bytes> FLAGS (\\Seen))`);
  assert.equal(redactLine('s', '* 2 FETCH (UID 8 BODY[1] "(* 4321B literal *)")'), '* 2 FETCH (UID 8 BODY[1] … <4321 bytes>)');
  assert.equal(redactLine('c', '9 APPEND INBOX {12+}\r\nHello world!'), '9 APPEND INBOX … <12 bytes>');
});

test('long lines are capped and say how much was cut; no line breaks survive', () => {
  const line = redactLine('s', `* OK ${'x'.repeat(3000)}`);
  assert.ok(line.length < MAX_LINE + 30);
  assert.match(line, /… <2005 bytes>$/);
  assert.equal(redactLine('s', 'a\r\nb\nc'), 'a b c');
});

test('LineRing keeps the newest lines within its line and byte limits', () => {
  const ring = new LineRing(3, 1000);
  for (let i = 1; i <= 5; i++) ring.push(`line ${i}`);
  assert.equal(ring.text(), 'line 3\nline 4\nline 5\n');
  const small = new LineRing(100, 20);
  for (let i = 1; i <= 5; i++) small.push(`line ${i}`);
  assert.ok(small.bytes <= 20);
  assert.equal(small.text(), 'line 4\nline 5\n');
  assert.equal(ring.resized(2).text(), 'line 4\nline 5\n');
});

test('LineRing: a huge line limit reserves nothing, a long run keeps only the newest, a smaller share trims', () => {
  const ring = new LineRing(1_000_000, 1 << 20);
  for (let i = 0; i < 50_000; i++) ring.push(`line ${i}`);
  assert.equal(ring.size, 50_000);
  const short = new LineRing(10, 1 << 20);
  for (let i = 0; i < 50_000; i++) short.push(`line ${i}`);
  assert.equal(short.size, 10);
  assert.equal(short.text().split('\n')[0], 'line 49990');
  ring.maxBytes = 100;
  assert.ok(ring.bytes <= 100 && ring.size > 0);
  assert.equal(ring.text().trimEnd().split('\n').pop(), 'line 49999');
});
