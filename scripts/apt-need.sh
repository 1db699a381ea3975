#!/usr/bin/env bash
# Installs the Debian packages a script needs when they are missing. Each argument is
# "<executable>=<package>": an absolute path, or a command looked up on PATH.
set -euo pipefail
missing=()
for spec in "$@"; do
  exe=${spec%%=*}
  pkg=${spec#*=}
  if [[ $exe == /* ]]; then [[ -x $exe ]] || missing+=("$pkg")
  else command -v "$exe" >/dev/null 2>&1 || missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]} from Debian" >&2
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian package starts a system Dovecot on 143/993; the tests and benchmarks run their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  systemctl stop dovecot || true
fi
