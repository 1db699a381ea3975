import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../src/errors.js';
import {
  decodeAttachmentId, decodeMessageId, decodeTextId, encodeAttachmentId, encodeMessageId, encodeTextId,
} from '../src/ids.js';

test('the original IMAP API examples decode and encode exactly', () => {
  assert.deepEqual(decodeMessageId('AAAAAQAAAeE'), { mailbox: 1, uid: 481 });
  assert.equal(encodeMessageId({ mailbox: 1, uid: 481 }), 'AAAAAQAAAeE');
  assert.deepEqual(decodeTextId('AAAAAQAAAeGTkaExkaEykA'), { mailbox: 1, uid: 481, plain: ['1'], html: ['2'] });
  assert.equal(encodeTextId({ mailbox: 1, uid: 481, plain: ['1'], html: ['2'] }), 'AAAAAQAAAeGTkaExkaEykA');
});

test('round trips at the edges of uint32', () => {
  const ref = { mailbox: 0xffffffff, uid: 0xfffffffe };
  assert.deepEqual(decodeMessageId(encodeMessageId(ref)), ref);
  const text = { ...ref, plain: ['1.1', '2'], html: [] };
  assert.deepEqual(decodeTextId(encodeTextId(text)), text);
  const att = { mailbox: 7, uid: 99, part: '2.1.3' };
  assert.deepEqual(decodeAttachmentId(encodeAttachmentId(att)), att);
});

test('malformed ids are 400 InvalidId', () => {
  const bad = (f: () => unknown) => assert.throws(f, (e: ApiError) => e.code === 'InvalidId' && e.status === 400);
  bad(() => decodeMessageId('AAAA'));
  bad(() => decodeMessageId('AAAAAQAAAeE!'));
  bad(() => decodeMessageId('AAAAAAAAAAA'));           // mailbox 0, uid 0
  bad(() => decodeMessageId('AAAAAQAAAeEA'));          // 9 bytes
  bad(() => decodeTextId('AAAAAQAAAeE'));              // no part list
  bad(() => decodeTextId('AAAAAQAAAeHA'));             // msgpack nil, not a list
  bad(() => decodeTextId(Buffer.concat([Buffer.from('AAAAAQAAAeE', 'base64url'), Buffer.from([0x92, 0x91, 0xa3, 0x31, 0x3b, 0x78, 0x90])]).toString('base64url')));
  bad(() => decodeAttachmentId(encodeMessageId({ mailbox: 1, uid: 2 })));          // no part
  bad(() => decodeAttachmentId(Buffer.concat([Buffer.from('AAAAAQAAAeE', 'base64url'), Buffer.from('1;DROP')]).toString('base64url')));
});
