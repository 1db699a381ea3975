#!/usr/bin/env bash
# The whole test suite: installs what the tests need when missing (Dovecot from Debian),
# builds with tsc, and runs every test file with node's test runner.
# Then greps what the suite recorded for the secrets it planted.
set -euo pipefail
cd "$(dirname "$0")/.."

# Dovecot is the real IMAP server the tests start; openssl makes its TLS certificate;
# chromium is the browser the admin and docs page tests drive (through playwright-core).
missing=()
[[ -x /usr/sbin/dovecot ]] || command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-imapd)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ((${#missing[@]})); then
  echo "installing ${missing[*]} from Debian" >&2
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian package starts a system Dovecot on 143/993; the tests run their own, so stop it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  systemctl stop dovecot || true
fi

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
