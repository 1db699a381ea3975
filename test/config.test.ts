import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { ConfigError, helpText, loadConfig } from '../src/config.js';

const cfg = (argv: string[], env: Record<string, string> = {}) => {
  const r = loadConfig(argv, env);
  assert.equal(r.help, false);
  return r.help ? assert.fail() : r.config;
};

test('defaults', () => {
  const c = cfg([]);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 3000);
  assert.equal(c.dataDir, './data');
  assert.equal(c.shards, availableParallelism());
  assert.equal(c.secret, undefined);
});

test('environment, and flags over environment', () => {
  const env = { IMAPAPI_PORT: '4000', IMAPAPI_HOST: '0.0.0.0', IMAPAPI_SHARDS: '3', IMAPAPI_SECRET: 'x'.repeat(20) };
  assert.equal(cfg([], env).port, 4000);
  assert.equal(cfg(['--port', '5000'], env).port, 5000);
  assert.equal(cfg([], env).host, '0.0.0.0');
  assert.equal(cfg(['--shards=4'], env).shards, 4);
  assert.equal(cfg([], env).secret, 'x'.repeat(20));
});

test('bad values are clear errors naming the option', () => {
  assert.throws(() => cfg(['--port', 'abc']), (e: Error) => e instanceof ConfigError && /--port must be an integer/.test(e.message));
  assert.throws(() => cfg([], { IMAPAPI_PORT: '70000' }), /IMAPAPI_PORT must be an integer from 0 to 65535/);
  assert.throws(() => cfg(['--shards', '0']), /--shards/);
  assert.throws(() => cfg(['--secret', 'short']), /at least 16/);
  assert.throws(() => cfg(['--log-level', 'loud']), /--log-level must be one of/);
  assert.throws(() => cfg(['--nope']), (e: Error) => e instanceof ConfigError && /nope/.test(e.message));
});

test('--help lists every option with its variable', () => {
  assert.deepEqual(loadConfig(['--help'], {}), { help: true, version: false });
  assert.deepEqual(loadConfig(['--version'], {}), { help: true, version: true });
  // each default is shown, as in the README's table
  assert.match(helpText(), /--port .* \(default: 3000\)/);
  assert.match(helpText(), /--request-timeout .* \(default: 30000\)/);
  for (const word of ['--host', 'IMAPAPI_HOST', '--port', '--data-dir', '--shards', '--secret', 'IMAPAPI_SECRET']) {
    assert.ok(helpText().includes(word), word);
  }
});

test('TLS and limit options (issue 16)', () => {
  const c = cfg(['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--account-concurrency', '4', '--max-streams', '10']);
  assert.equal(c.tlsCert, 'c.pem');
  assert.equal(c.tlsKey, 'k.pem');
  assert.equal(c.accountConcurrency, 4);
  assert.equal(c.maxStreams, 10);
  const d = cfg([], { IMAPAPI_TLS_CERT: 'c.pem', IMAPAPI_TLS_KEY: 'k.pem', IMAPAPI_TLS_PASSPHRASE: 'pw' });
  assert.deepEqual([d.tlsCert, d.tlsKey, d.tlsPassphrase, d.accountConcurrency, d.maxStreams], ['c.pem', 'k.pem', 'pw', 16, 1000]);
  assert.equal(cfg([]).tlsCert, undefined);
  assert.throws(() => cfg(['--account-concurrency', '0']), /--account-concurrency must be an integer from 1/);
});
