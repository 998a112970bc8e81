#!/usr/bin/env bash
# Installs what building and testing need on a fresh machine, and nothing twice:
#   - the wasm32-unknown-unknown target of the Rust toolchain (the reader must build for it)
#   - clippy (lints are part of the tests)
# Later steps (wasm-bindgen-cli, Chromium, playwright-core) join here with the web app.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target" >&2
  rustup target add wasm32-unknown-unknown >&2
fi
if ! cargo clippy --version >/dev/null 2>&1; then
  echo "setup: adding clippy" >&2
  rustup component add clippy >&2
fi
command -v python3 >/dev/null || { echo "setup: python3 is needed (conformance checks)" >&2; exit 1; }
