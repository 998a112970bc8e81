#!/usr/bin/env bash
# Compares `gotrace analyze --json` with Go's own analyses (the oracle JSON of ../shared/traces),
# every section, on every trace of the corpus, when that corpus is present. Prints
# `N passed, M failed`; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shared=${GOTRACE_SHARED:-../shared}
if [ ! -f "$shared/oracle/conformance.py" ]; then
  echo "conformance: $shared/oracle not present, skipped"
  exit 0
fi
t=$shared/traces
python3 "$shared/oracle/conformance.py" --cmd 'target/release/gotrace analyze --json' \
  "$t/go1.26" "$t/go1.19" "$t/golang-testdata/binary" "$t/golang-testdata/tracev1" "$t/bad" tests/traces
