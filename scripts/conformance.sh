#!/usr/bin/env bash
# Compares `gotrace analyze --json` with Go's own analyses (the oracle JSON of ../shared/traces),
# when that corpus is present. Prints `N passed, M failed`; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shared=${GOTRACE_SHARED:-../shared}
if [ ! -f "$shared/oracle/conformance.py" ]; then
  echo "conformance: $shared/oracle not present, skipped"
  exit 0
fi
t=$shared/traces
# The reader's sections on every v2 trace, Go's test data and the damaged files.
python3 "$shared/oracle/conformance.py" --cmd 'target/release/gotrace analyze --json' \
  --sections header,events,counts,time,errors \
  "$t/go1.26" "$t/golang-testdata/binary" "$t/bad"
