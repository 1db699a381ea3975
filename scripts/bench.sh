#!/usr/bin/env bash
# npm run bench: installs what the benchmarks need when missing (Dovecot, wrk from Debian),
# builds, and runs bench/index.ts with the knobs of the environment (see the README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-need.sh /usr/sbin/dovecot=dovecot-imapd openssl=openssl wrk=wrk
[[ -d node_modules ]] || npm ci --no-audit --no-fund
rm -rf dist
npx tsc -p .
node dist/bench/index.js
