// Keeps the layers apart and the files small (STYLE R14, R15): parses import lines of the
// TypeScript sources and fails on an import that crosses a boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return files(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

interface Import { target: string; typeOnly: boolean }

function imports(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
    const target = relative(ROOT, resolve(ROOT, dirname(file), m[2]!)).replace(/\.js$/, '.ts');
    found.push({ target, typeOnly: !!m[1] });
  }
  return found;
}

const RULES: { from: string; forbid: RegExp; allowTypes?: RegExp; why: string }[] = [
  { from: 'src/http/', forbid: /^src\/(actors|imap|sync|smtp|supervisor|webhooks|store\/(?!tokens))/, why: 'the front talks to shards only through the protocol' },
  { from: 'src/actors/', forbid: /^src\/(http|supervisor)\//, why: 'actors never see HTTP' },
  { from: 'src/protocol/', forbid: /^src\/(?!protocol\/|errors\.ts)/, allowTypes: /^src\/(schemas\/|parse\/types\.ts|ids\.ts)/, why: 'the protocol depends on errors (and data types) only' },
  { from: 'src/parse/', forbid: /^src\/(http|actors|supervisor|store|imap)\//, why: 'parsing is pure CPU work on the data it is given' },
  { from: 'src/webhooks/', forbid: /^src\/(http|supervisor|sync|imap|smtp)\/|^src\/actors\//, why: 'the webhook worker reads the log, it never sees HTTP routes or actors' },
  { from: 'src/store/', forbid: /^src\/(http|actors|supervisor|protocol)\//, allowTypes: /^src\/schemas\//, why: 'storage is the bottom layer' },
];

test('imports respect the layer boundaries', () => {
  const violations: string[] = [];
  for (const file of files('src')) {
    for (const rule of RULES.filter((r) => file.startsWith(r.from))) {
      for (const imp of imports(file)) {
        if (!rule.forbid.test(imp.target)) continue;
        if (imp.typeOnly && rule.allowTypes?.test(imp.target)) continue;
        violations.push(`${file} imports ${imp.target}: ${rule.why}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

const lines = (file: string) => readFileSync(join(ROOT, file), 'utf8').split('\n').length;

test('files stay small', () => {
  const big: string[] = [];
  for (const file of files('src')) {
    const limit = /protocol\/ops\.ts$|http\/routes\//.test(file) ? 600 : 400;
    if (lines(file) > limit) big.push(`${file}: ${lines(file)} > ${limit}`);
  }
  for (const file of files('workers')) if (lines(file) > 60) big.push(`${file}: ${lines(file)} > 60`);
  for (const file of files('test')) if (lines(file) > 600) big.push(`${file}: ${lines(file)} > 600`);
  assert.deepEqual(big, []);
});

test('every source file opens with a header comment', () => {
  const bare = [...files('src'), ...files('workers')].filter((f) => !/^(#!.*\n)?\/\/ /.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(bare, []);
});
