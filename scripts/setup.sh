#!/usr/bin/env bash
# Installs what building and testing need on a fresh machine, each thing once:
#   - the wasm32-unknown-unknown target and clippy (rustup)
#   - wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock (cargo)
#   - Chromium from Debian (apt) and playwright-core from npm, for the browser tests
# Usage: scripts/setup.sh [rust|web]   (default: both)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
what=${1:-all}
say() { echo "setup: $*" >&2; }

if [[ $what == rust || $what == all ]]; then
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown >&2
  fi
  if ! cargo clippy --version >/dev/null 2>&1; then
    say "adding clippy"
    rustup component add clippy >&2
  fi
  command -v python3 >/dev/null || { say "python3 is needed"; exit 1; }
fi

if [[ $what == web || $what == all ]]; then
  want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)
  [ -n "$want" ] || { say "no wasm-bindgen in Cargo.lock"; exit 1; }
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$want" --locked >&2 || cargo install wasm-bindgen-cli --version "$want" >&2
  fi
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq chromium >&2
  fi
  command -v node >/dev/null || { say "node is needed (browser tests)"; exit 1; }
  if [ ! -d node_modules/playwright-core ]; then
    say "installing playwright-core from npm"
    npm ci --no-audit --no-fund >&2
  fi
fi
