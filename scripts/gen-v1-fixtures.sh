#!/usr/bin/env bash
# Regenerates the committed v1 (Go 1.11-1.21 format) trace fixtures in tests/traces/v1/:
#   NAME.trace              written by tests/programs/go119/NAME, built with Go 1.19
#                           (Debian's golang-1.19-go; header "go 1.19 trace")
#   NAME.trace.parsed.txt   stdout of `go tool trace -d=parsed NAME.trace` (Go 1.27.3)
#   NAME.trace.oracle.json  reference analysis by the oracle of ../shared/oracle
# for NAME in tasks blocking.
#
# Usage: scripts/gen-v1-fixtures.sh
# Env:   GO119           Go 1.19 (default /usr/lib/go-1.19/bin/go: apt-get install golang-1.19-go)
#        GOTRACE_SHARED  the shared/ folder with oracle/ (default: <repo>/../shared)
#        GO_VENV         where go-env.sh installs Go 1.27.3 if it is not on PATH
#
# Traces depend on timing: regenerated files differ from the committed ones. A fixture whose
# trace, text dump or oracle JSON is larger than 100 kB is made again (up to 5 attempts).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
. scripts/go-env.sh

go119=${GO119:-/usr/lib/go-1.19/bin/go}
if [ ! -x "$go119" ]; then
  echo "gen-v1-fixtures.sh: Go 1.19 not found at $go119" >&2
  echo "  (apt-get update && apt-get install -y golang-1.19-go, or set GO119)" >&2
  exit 1
fi
shared=${GOTRACE_SHARED:-$repo/../shared}
if [ ! -f "$shared/oracle/build.sh" ]; then
  echo "gen-v1-fixtures.sh: the trace oracle is missing: $shared/oracle/build.sh not found" >&2
  echo "  (expected the shared/ folder next to the repo; set GOTRACE_SHARED to its path)" >&2
  exit 1
fi

out=tests/traces/v1
max=100000
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

echo "== building the oracle ($shared/oracle/build.sh)"
bash "$shared/oracle/build.sh" "$bin/traceoracle" 2>&1 | sed 's/^/  /'
[ -x "$bin/traceoracle" ] || { echo "gen-v1-fixtures.sh: oracle build failed" >&2; exit 1; }

programs=(tasks blocking)
echo "== building tests/programs/go119 with $("$go119" version)"
for p in "${programs[@]}"; do
  (cd tests/programs/go119 && GOFLAGS=-mod=mod "$go119" build -trimpath -o "$bin/$p" "./$p")
done

mkdir -p "$out"
echo "== running the programs"
for p in "${programs[@]}"; do
  trace=$out/$p.trace
  for attempt in 1 2 3 4 5; do
    "$bin/$p" "$trace" >/dev/null 2>&1
    if ! go tool trace -d=parsed "$trace" >"$trace.parsed.txt" 2>"$bin/parsed.err"; then
      echo "gen-v1-fixtures.sh: 'go tool trace -d=parsed $trace' failed:" >&2
      cat "$bin/parsed.err" >&2
      exit 1
    fi
    "$bin/traceoracle" "$trace" >"$trace.oracle.json" || {
      echo "gen-v1-fixtures.sh: the oracle failed on $trace" >&2
      exit 1
    }
    big=$(stat -c %s "$trace" "$trace.parsed.txt" "$trace.oracle.json" | sort -n | tail -n 1)
    [ "$big" -le "$max" ] && break
    if [ "$attempt" = 5 ]; then
      echo "  warning: a file of $trace is $big bytes (limit $max) after 5 attempts; keeping it" >&2
    else
      echo "  $trace: a file is $big bytes > $max, regenerating (attempt $((attempt + 1)))"
    fi
  done
  echo "  $trace: $(stat -c %s "$trace") bytes, parsed.txt $(stat -c %s "$trace.parsed.txt"), oracle.json $(stat -c %s "$trace.oracle.json")"
done
