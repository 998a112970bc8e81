#!/usr/bin/env bash
# Builds the web app into dist/:
#   dist/index.html + assets   hostable as-is (any static server; the wasm is fetched)
#   dist/gotrace.html          one self-contained file (wasm, worker, sample inlined) that
#                              works when opened from file://
# Needs the wasm32 target and wasm-bindgen-cli at the version of Cargo.lock (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release -p gotrace-wasm --target wasm32-unknown-unknown
rm -rf target/web && mkdir -p target/web
wasm-bindgen --target no-modules --no-typescript --out-dir target/web \
  target/wasm32-unknown-unknown/release/gotrace_wasm.wasm
rm -rf dist && mkdir -p dist/pkg
cp -r web/* dist/
cp target/web/gotrace_wasm.js target/web/gotrace_wasm_bg.wasm dist/pkg/
cp tests/traces/sample.trace dist/sample.trace
python3 scripts/single_file.py dist dist/gotrace.html
echo "built dist/ ($(du -sh dist | cut -f1)) and dist/gotrace.html ($(du -h dist/gotrace.html | cut -f1))" >&2
