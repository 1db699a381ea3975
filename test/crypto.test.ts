import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox, deriveKey } from '../src/store/crypto.js';
import { loadOrCreateSecret } from '../src/store/secret.js';

test('sealed values open with the same key only, and never contain the plain text', () => {
  const box = new SecretBox(deriveKey('a secret of some length'));
  const sealed = box.seal('verysecret');
  assert.ok(!sealed.includes('verysecret'));
  assert.notEqual(box.seal('verysecret'), sealed, 'fresh IV each time');
  assert.equal(box.open(sealed), 'verysecret');
  const other = new SecretBox(deriveKey('another secret of some length'));
  assert.throws(() => other.open(sealed));
});

test('a tampered value is refused', () => {
  const box = new SecretBox(deriveKey('0'.repeat(64)));
  const sealed = box.seal('hello');
  const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
  assert.throws(() => box.open(flipped));
});

test('the generated secret is created once, private, and reused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'imapapi-secret-'));
  const first = loadOrCreateSecret(dir, undefined);
  assert.match(first, /^[0-9a-f]{64}$/);
  assert.equal(loadOrCreateSecret(dir, undefined), first);
  assert.equal((await readFile(join(dir, 'secret.key'), 'utf8')).trim(), first);
  assert.equal((await stat(join(dir, 'secret.key'))).mode & 0o777, 0o600);
  assert.equal(loadOrCreateSecret(dir, 'configured-secret-value'), 'configured-secret-value');
});
