#!/usr/bin/env bash
# The whole test suite: installs what the tests need when missing (Dovecot from Debian),
# builds with tsc, and runs every test file with node's test runner.
# Then greps what the suite recorded for the secrets it planted.
set -euo pipefail
cd "$(dirname "$0")/.."

# Dovecot is the real IMAP server the tests start; openssl makes its TLS certificate;
# chromium is the browser the admin and docs page tests drive (through playwright-core).
bash scripts/apt-need.sh /usr/sbin/dovecot=dovecot-imapd openssl=openssl /usr/bin/chromium=chromium

[[ -d node_modules ]] || npm ci --no-audit --no-fund
rm -rf dist
npx tsc -p .
# every API answer, every test server's output and the secrets the tests plant are recorded, then
# searched for those secrets (scripts/grep-secrets.mjs) once the suite is done
record=$(mktemp -d)
trap 'rm -rf "$record"' EXIT
mkdir -p "$record/outputs"
export IMAPAPI_TEST_SECRETS="$record/secrets.jsonl" IMAPAPI_TEST_RESPONSES="$record/responses.jsonl" IMAPAPI_TEST_OUTPUT="$record/outputs"
status=0
node --test --test-concurrency=2 dist/test/*.test.js || status=$?
node scripts/grep-secrets.mjs || status=1
exit $status
