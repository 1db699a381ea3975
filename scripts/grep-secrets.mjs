#!/usr/bin/env node
// After the suite: searches every recorded API answer (IMAPAPI_TEST_RESPONSES) and every test
// server's output (the IMAPAPI_TEST_OUTPUT directory) for the secrets the tests planted
// (IMAPAPI_TEST_SECRETS, one JSON {label, value} a line), in every spelling; exit 1 on a find.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spellingsOf } from '../dist/test/helpers/secret-scan.js';

const { IMAPAPI_TEST_SECRETS: secretsFile, IMAPAPI_TEST_RESPONSES: responses, IMAPAPI_TEST_OUTPUT: outputs } = process.env;
if (!secretsFile || !responses || !outputs) {
  console.error('grep-secrets: set IMAPAPI_TEST_SECRETS, IMAPAPI_TEST_RESPONSES and IMAPAPI_TEST_OUTPUT (scripts/test.sh does)');
  process.exit(2);
}
const lines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const secrets = lines(secretsFile).map((l) => JSON.parse(l));
// no planted secret means the tests that plant them did not run: a scan would prove nothing
if (!secrets.length) {
  console.error(`grep-secrets: no planted secrets in ${secretsFile}`);
  process.exit(1);
}
const haystacks = [
  ...(existsSync(responses) ? [{ name: 'API answers', bytes: readFileSync(responses) }] : []),
  ...readdirSync(outputs).map((f) => ({ name: `server output ${f}`, bytes: readFileSync(join(outputs, f)) })),
];
const found = [];
for (const { name, bytes } of haystacks) {
  for (const { label, value } of secrets) {
    for (const spelling of spellingsOf(value)) if (bytes.includes(spelling)) found.push(`${label} in ${name} as ${spelling}`);
  }
}
const answers = lines(responses).length;
if (found.length) {
  console.error(`grep-secrets: ${found.length} finds:\n${found.join('\n')}`);
  process.exit(1);
}
console.log(`grep-secrets: ${secrets.length} planted secrets, none in ${answers} API answers or ${haystacks.length - (existsSync(responses) ? 1 : 0)} server outputs`);
