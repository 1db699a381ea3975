// The pure rules of reply and forward: subject prefixes, threading ids, reply recipients, the
// quoted copy of a forward and HTML escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, forwardSubject, quotedForward, referencesFor, replyRecipients, replySubject, type Addr } from '../src/messages/reply.js';

test('replySubject: exactly one Re:, localized prefixes folded in', () => {
  const cases: [string, string][] = [
    ['Hello', 'Re: Hello'],
    ['Re: Hello', 'Re: Hello'],
    ['RE: Hello', 'Re: Hello'],
    ['re:Hello', 'Re: Hello'],
    ['Re : Hello', 'Re: Hello'],
    ['Re: Re: Re: Hello', 'Re: Hello'],
    ['Re[2]: Hello', 'Re: Hello'],
    ['RE(3): Hello', 'Re: Hello'],
    ['AW: Hello', 'Re: Hello'],
    ['Aw: SV: Re: Hello', 'Re: Hello'],
    ['VS: Hei', 'Re: Hei'],
    ['Antw: Hallo', 'Re: Hallo'],
    ['Odp: Cześć', 'Re: Cześć'],
    ['R: Ciao', 'Re: Ciao'],
    ['RIF: Ciao', 'Re: Ciao'],
    ['Réf : Bonjour', 'Re: Bonjour'],
    ['RÉF: Bonjour', 'Re: Bonjour'],
    ['Απ: Γεια', 'Re: Γεια'],
    ['ΑΠ: Γεια', 'Re: Γεια'],
    ['ΣΧΕΤ: Γεια', 'Re: Γεια'],
    ['Vá: Szia', 'Re: Szia'],
    ['YNT: Merhaba', 'Re: Merhaba'],
    ['回复：你好', 'Re: 你好'],
    ['回覆: 你好', 'Re: 你好'],
    ['答复: 你好', 'Re: 你好'],
    ['Fwd: Hello', 'Re: Fwd: Hello'],
    ['Re: Fwd: Re: Hello', 'Re: Fwd: Re: Hello'],
    ['Reason: none', 'Re: Reason: none'],
    ['Regarding Re: x', 'Re: Regarding Re: x'],
    ['[list] Re: Hello', 'Re: [list] Re: Hello'],
    ['  Hello', 'Re: Hello'],
    ['', 'Re: '],
    ['Re:', 'Re: '],
  ];
  for (const [input, expected] of cases) assert.equal(replySubject(input), expected, JSON.stringify(input));
});

test('subject prefixes cost linear time on hostile input', () => {
  const started = performance.now();
  const spaces = ' '.repeat(50_000);
  assert.equal(replySubject(`Re${spaces}x`), `Re: Re${spaces}x`);
  assert.equal(forwardSubject(`Fwd[1]${spaces}x`), `Fwd: Fwd[1]${spaces}x`);
  assert.equal(replySubject('Re: '.repeat(20_000) + 'x'), 'Re: x');
  // a quadratic pattern takes minutes here
  assert.ok(performance.now() - started < 1000, `took ${(performance.now() - started).toFixed(0)} ms`);
});

test('forwardSubject: exactly one Fwd:, localized forward prefixes folded in', () => {
  const cases: [string, string][] = [
    ['Hello', 'Fwd: Hello'],
    ['Fwd: Hello', 'Fwd: Hello'],
    ['FW: Hello', 'Fwd: Hello'],
    ['Fw: FWD: fw: Hello', 'Fwd: Hello'],
    ['WG: Hallo', 'Fwd: Hallo'],
    ['TR: Bonjour', 'Fwd: Bonjour'],
    ['RV: Hola', 'Fwd: Hola'],
    ['Doorst: Hallo', 'Fwd: Hallo'],
    ['VB: Hej', 'Fwd: Hej'],
    ['VS: Hej', 'Fwd: Hej'],
    ['VL: Hei', 'Fwd: Hei'],
    ['İLT: Merhaba', 'Fwd: Merhaba'],
    ['转发：你好', 'Fwd: 你好'],
    ['Re: Hello', 'Fwd: Re: Hello'],
    ['AW: Hello', 'Fwd: AW: Hello'],
    ['Fwd[2]: Hello', 'Fwd: Hello'],
    ['Forward planning', 'Fwd: Forward planning'],
    ['', 'Fwd: '],
  ];
  for (const [input, expected] of cases) assert.equal(forwardSubject(input), expected, JSON.stringify(input));
});

test('referencesFor: parent References, else its single In-Reply-To, then its Message-ID', () => {
  assert.deepEqual(referencesFor({ messageId: '<p@x>' }), { inReplyTo: '<p@x>', references: ['<p@x>'] });
  assert.deepEqual(referencesFor({ messageId: '<p@x>', references: '<a@x> <b@x>', inReplyTo: '<b@x>' }),
    { inReplyTo: '<p@x>', references: ['<a@x>', '<b@x>', '<p@x>'] });
  assert.deepEqual(referencesFor({ messageId: '<p@x>', inReplyTo: '<b@x>' }), { inReplyTo: '<p@x>', references: ['<b@x>', '<p@x>'] });
  assert.deepEqual(referencesFor({ messageId: '<p@x>', inReplyTo: '<b@x> <c@x>' }), { inReplyTo: '<p@x>', references: ['<p@x>'] },
    'an In-Reply-To naming two messages is not a chain');
  assert.deepEqual(referencesFor({}), { references: [] });
  assert.deepEqual(referencesFor({ references: '<a@x>' }), { references: ['<a@x>'] }, 'no Message-ID: no In-Reply-To');
});

test('referencesFor: brackets added, folding and comments dropped, duplicates once, parent last', () => {
  assert.deepEqual(referencesFor({ messageId: ' p@x ', references: 'a@x b@x' }), { inReplyTo: '<p@x>', references: ['<a@x>', '<b@x>', '<p@x>'] });
  assert.deepEqual(referencesFor({ messageId: '<p@x>', references: '<a@x>\r\n <b@x> (comment)\r\n\t<a@x> <p@x> <c@x>' }),
    { inReplyTo: '<p@x>', references: ['<a@x>', '<b@x>', '<c@x>', '<p@x>'] });
  assert.deepEqual(referencesFor({ messageId: 'not an id' }), { references: [] });
});

test('referencesFor: a long chain keeps its root and the most recent ids', () => {
  const chain = Array.from({ length: 50 }, (_, i) => `<m${i}@x>`);
  const { references, inReplyTo } = referencesFor({ messageId: '<p@x>', references: chain.join(' ') });
  assert.equal(inReplyTo, '<p@x>');
  assert.equal(references.length, 20);
  assert.deepEqual(references, ['<m0@x>', ...chain.slice(-18), '<p@x>']);
});

const alice: Addr = { name: 'Alice', address: 'alice@example.com' };
const bob: Addr = { name: 'Bob', address: 'bob@example.com' };
const carol: Addr = { address: 'carol@example.com' };
const list: Addr = { name: 'List', address: 'list@example.com' };
const me: Addr = { name: 'Me', address: 'Me@Example.com' };
const own = ['me@example.com', 'alias@example.com'];

test('replyRecipients: a reply goes to Reply-To, else From', () => {
  assert.deepEqual(replyRecipients({ from: alice, to: [me, bob], cc: [carol] }, own, false), { to: [alice], cc: [] });
  assert.deepEqual(replyRecipients({ from: alice, replyTo: [list], to: [me] }, own, false), { to: [list], cc: [] });
  assert.deepEqual(replyRecipients({ from: alice, replyTo: [], to: [me] }, own, false), { to: [alice], cc: [] }, 'an empty Reply-To is no Reply-To');
  assert.deepEqual(replyRecipients({ from: alice, replyTo: [{ name: 'x', address: '' }] }, own, false), { to: [alice], cc: [] });
  assert.deepEqual(replyRecipients({}, own, false), { to: [], cc: [] });
});

test('replyRecipients: reply-all adds To and Cc, without own addresses or duplicates', () => {
  assert.deepEqual(replyRecipients({ from: alice, to: [me, bob], cc: [carol, { address: 'ALIAS@example.com' }] }, own, true),
    { to: [alice], cc: [bob, carol] });
  assert.deepEqual(replyRecipients({ from: alice, to: [{ address: 'ALICE@example.com' }, bob, { name: 'Bob again', address: 'BOB@example.com' }], cc: [bob] }, own, true),
    { to: [alice], cc: [bob] }, 'the sender is not copied again; Bob once, as first named');
  assert.deepEqual(replyRecipients({ from: alice, replyTo: [list], to: [list, me], cc: [alice] }, own, true),
    { to: [list], cc: [alice] }, 'the sender stays in cc when Reply-To points elsewhere');
});

test('replyRecipients: replying to a message the account sent goes to its recipients', () => {
  assert.deepEqual(replyRecipients({ from: me, replyTo: [list], to: [bob, carol], cc: [alice] }, own, false), { to: [bob, carol], cc: [] });
  assert.deepEqual(replyRecipients({ from: me, to: [bob, me], cc: [alice, { address: 'alias@example.com' }] }, own, true), { to: [bob], cc: [alice] });
  assert.deepEqual(replyRecipients({ from: me, to: [me] }, own, false), { to: [{ name: 'Me', address: 'Me@Example.com' }], cc: [] },
    'a note to self is answered to self');
});

test('escapeHtml escapes markup and quotes', () => {
  assert.equal(escapeHtml('<a href="x" onclick=\'y\'>Tom & Jerry</a>'), '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;Tom &#38; Jerry&#60;/a&#62;');
  assert.equal(escapeHtml('plain õäöü 日本語'), 'plain õäöü 日本語');
  assert.equal(escapeHtml('&amp;'), '&#38;amp;', 'an entity is text, escaped again');
});

const ORIGINAL = {
  from: { name: 'Alice <A>', address: 'alice@example.com' },
  to: [bob, carol],
  cc: [{ name: 'Dave & Co', address: 'dave@example.com' }],
  subject: 'Plans <b>now</b>',
  date: '2024-01-15T08:30:00.000Z',
};

test('quotedForward: the text block lists the original header, then its text', () => {
  const { text } = quotedForward({ ...ORIGINAL, text: 'Hello\nworld', html: null });
  assert.equal(text, [
    '---------- Forwarded message ---------',
    'From: Alice <A> <alice@example.com>',
    'Date: Mon, 15 Jan 2024 08:30:00 GMT',
    'Subject: Plans <b>now</b>',
    'To: Bob <bob@example.com>, carol@example.com',
    'Cc: Dave & Co <dave@example.com>',
    '',
    'Hello\nworld',
  ].join('\n'));
  const bare = quotedForward({ subject: 'Only', date: 'not a date', text: null });
  assert.equal(bare.text, '---------- Forwarded message ---------\nDate: not a date\nSubject: Only\n\n');
});

test('quotedForward: the html block escapes what it inserts and quotes the original', () => {
  const html = '<html><head><style>p{}</style></head><body class="x"><p>Original <i>html</i></p></body></html>';
  const res = quotedForward({ ...ORIGINAL, text: 'ignored when html exists', html });
  assert.ok(res.html.includes('From: Alice &#60;A&#62; &#60;alice@example.com&#62;<br>'));
  assert.ok(res.html.includes('Subject: Plans &#60;b&#62;now&#60;/b&#62;<br>'));
  assert.ok(res.html.includes('Cc: Dave &#38; Co &#60;dave@example.com&#62;'));
  assert.ok(res.html.endsWith('<blockquote type="cite"><p>Original <i>html</i></p></blockquote>'), res.html);
  assert.doesNotMatch(res.html, /<html|<body|<style|<b>/, 'no nested document, no unescaped markup from the header');

  const fromText = quotedForward({ ...ORIGINAL, text: 'a < b && c > d\n<script>x</script>' });
  assert.ok(fromText.html.endsWith('<blockquote type="cite"><pre>a &#60; b &#38;&#38; c &#62; d\n&#60;script&#62;x&#60;/script&#62;</pre></blockquote>'));
  const hostile = '<body'.repeat(200_000);
  const started = performance.now();
  assert.ok(quotedForward({ html: hostile }).html.includes(hostile), 'an unclosed <body> is quoted as it is');
  assert.ok(performance.now() - started < 1000, 'in linear time');
  const fragment = quotedForward({ html: '<p>no body tag</p>' });
  assert.equal(fragment.html, '<div>---------- Forwarded message ---------</div>\n<br>\n<blockquote type="cite"><p>no body tag</p></blockquote>');
});
