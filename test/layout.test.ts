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
  { from: 'src/http/', forbid: /^src\/(actors|imap|sync|smtp|supervisor|webhooks|outbox|store\/(?!tokens))/, why: 'the front talks to shards only through the protocol' },
  { from: 'src/actors/', forbid: /^src\/(http|supervisor|webhooks)\//, why: 'actors never see HTTP, supervision or the webhook worker' },
  { from: 'src/protocol/', forbid: /^src\/(?!protocol\/|errors\.ts)/, allowTypes: /^src\/(schemas\/|parse\/types\.ts|ids\.ts)/, why: 'the protocol depends on errors (and data types) only' },
  { from: 'src/parse/', forbid: /^src\/(http|actors|supervisor|store|imap|sync|smtp|outbox|webhooks)\//, why: 'parsing is pure CPU work on the data it is given' },
  { from: 'src/webhooks/', forbid: /^src\/(http|supervisor|sync|imap|smtp|actors|outbox)\//, why: 'the webhook worker reads the log, it never sees HTTP routes, actors or IMAP' },
  { from: 'src/store/', forbid: /^src\/(?!store\/|lib\/|errors\.ts)/, allowTypes: /^src\/(schemas\/|events\/types\.ts)/, why: 'storage is the bottom layer' },
  { from: 'src/lib/', forbid: /^src\/(?!lib\/)/, why: 'lib holds building blocks that know nothing of the product' },
  { from: 'src/sync/', forbid: /^src\/(http|actors|supervisor|protocol|webhooks|outbox|smtp)\//, why: 'sync works on one IMAP connection and the store' },
  { from: 'src/events/', forbid: /^src\/(?!events\/|store\/)/, why: 'events are data and the log they are read from' },
  { from: 'src/imap/', forbid: /^src\/(http|actors|supervisor|sync|store|webhooks|outbox|smtp|protocol)\//, allowTypes: /^src\/schemas\//, why: 'IMAP helpers know imapflow and errors, nothing above' },
  { from: 'src/smtp/', forbid: /^src\/(?!smtp\/|lib\/|errors\.ts)/, allowTypes: /^src\/schemas\//, why: 'SMTP helpers know nodemailer and errors, nothing above' },
  { from: 'src/outbox/', forbid: /^src\/(http|actors|supervisor|sync|imap|webhooks)\//, why: 'the outbox sends through what it is given, never through actors or HTTP' },
  { from: 'src/schemas/', forbid: /^src\/(?!schemas\/|errors\.ts|events\/types\.ts)/, why: 'schemas are data shapes only' },
  { from: 'src/messages/', forbid: /^src\/(http|actors|supervisor|store|sync|webhooks|outbox|smtp|imap)\//, why: 'message rules are pure and run on any thread' },
  { from: 'src/openapi/', forbid: /^src\/(?!openapi\/|schemas\/|events\/types\.ts|errors\.ts|version\.ts|http\/routes\/index\.ts)/, allowTypes: /^src\/http\/route\.ts/, why: 'the document is built from the route table and schemas, nothing else' },
  { from: 'src/notify/', forbid: /^src\/(http|actors|supervisor|sync|imap|smtp|store|webhooks|outbox)\//, why: 'notify content is asked of the shards and the parser through the protocol' },
  { from: 'src/oauth/', forbid: /^src\/(?!oauth\/|lib\/|errors\.ts)/, allowTypes: /^src\/schemas\//, why: 'OAuth2 logic knows HTTP token endpoints and what it is given, nothing above' },
  { from: 'src/supervisor/', forbid: /^src\/(http|sync|imap|smtp|outbox|store|messages)\//, allowTypes: /^src\/(actors\/shard-main|webhooks\/main)\.ts/, why: 'supervisors spawn threads; they import what runs in them only as types' },
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
  for (const file of pageFiles()) if (lines(file) > 400) big.push(`${file}: ${lines(file)} > 400`);
  for (const file of files('test')) if (lines(file) > 600) big.push(`${file}: ${lines(file)} > 600`);
  assert.deepEqual(big, []);
});

/** The admin page's files: browser JS modules, CSS and HTML (no TypeScript). */
const pageFiles = () => readdirSync(join(ROOT, 'admin')).filter((f) => /\.(js|css|html)$/.test(f)).map((f) => join('admin', f));
const HEADER: Record<string, RegExp> = { js: /^\/\/ /, css: /^\/\* /, html: /^<!DOCTYPE html>\n<!-- / };

test('every source file opens with a header comment', () => {
  const pages = pageFiles().filter((f) => !HEADER[f.split('.').pop()!]!.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(pages, []);
  const bare = [...files('src'), ...files('workers')].filter((f) => !/^(#!.*\n)?\/\/ /.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(bare, []);
});
