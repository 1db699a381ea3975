// The pino redaction list: secrets under every field name it covers, at every depth our log
// calls reach (and an Error's own fields), never reach the written log line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { CENSOR, REDACT_DEPTH, SECRET_FIELDS, createLogger } from '../src/log.js';

/** A logger writing into an array of lines. */
function capture(level = 'trace') {
  const lines: string[] = [];
  const dest = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  return { log: createLogger(level, 'test', dest), lines };
}

/** `{a: {a: {… {[field]: value}}}}`, `depth` levels above the field. */
function nested(depth: number, field: string, value: string): Record<string, unknown> {
  let obj: Record<string, unknown> = { [field]: value, keep: 'visible' };
  for (let i = 0; i < depth; i++) obj = { [`level${i}`]: obj };
  return obj;
}

test('every secret field is censored at every depth up to REDACT_DEPTH, the rest is kept', () => {
  const { log, lines } = capture();
  const planted: string[] = [];
  for (const field of SECRET_FIELDS) {
    for (let depth = 0; depth < REDACT_DEPTH; depth++) {
      const value = `S3cr3t-${randomBytes(8).toString('hex')}`;
      planted.push(value);
      log.info(nested(depth, field, value), 'a line');
    }
  }
  assert.equal(lines.length, SECRET_FIELDS.length * REDACT_DEPTH);
  const all = lines.join('');
  for (const value of planted) assert.ok(!all.includes(value), `${value} was written`);
  // the censor took the field's place and the neighbours are still there
  for (const line of lines) {
    assert.ok(line.includes(CENSOR), line);
    assert.ok(line.includes('"keep":"visible"'), line);
  }
});

test('the usual shapes: headers, auth settings, an event, an Error with the settings it was given', () => {
  const { log, lines } = capture();
  const pass = `S3cr3t-${randomBytes(8).toString('hex')}`;
  const token = `S3cr3t-${randomBytes(8).toString('hex')}`;
  log.warn({ headers: { authorization: `Bearer ${token}`, host: 'x' } }, 'req');
  log.warn({ req: { headers: { Authorization: `Bearer ${token}` } } }, 'req');
  log.error({ account: { imap: { host: 'h', auth: { user: 'u', pass } }, smtp: { auth: { user: 'u', accessToken: token } } } }, 'settings');
  log.error({ event: { event: 'x', data: { settings: { gmailClientSecret: pass, secret: token } } } }, 'event');
  const err = Object.assign(new Error('login failed'), { config: { auth: { pass } }, response: { accessToken: token } });
  log.error({ err }, 'failed');
  const child = log.child({ account: 'a1' });
  child.info({ creds: { user: 'u', password: pass } }, 'child');
  const all = lines.join('');
  assert.ok(!all.includes(pass) && !all.includes(token), all);
  assert.match(all, /login failed/);
  assert.match(all, /"host":"x"/);
});

test('a log level below the call still writes nothing of a secret at trace', () => {
  const { log, lines } = capture('trace');
  log.trace({ auth: { user: 'u', pass: 'S3cr3t-trace-level' }, token: 'S3cr3t-tok' }, 'x');
  assert.equal(lines.length, 1);
  assert.ok(!lines[0]!.includes('S3cr3t'), lines[0]);
});
