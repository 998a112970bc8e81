#!/usr/bin/env bash
# Regenerates the committed trace fixtures in tests/traces/:
#   NAME.trace              written by tests/programs/NAME (Go 1.27.3, runtime/trace)
#   NAME.trace.parsed.txt   stdout of `go tool trace -d=parsed NAME.trace`
#   NAME.trace.oracle.json  reference analysis by the oracle of ../shared/oracle
#   bad/*.trace (+ .oracle.json)  malformed inputs made by scripts/make_bad.py
# for NAME in sample blocking annotations gc generations regionspan.
#
# Usage: scripts/gen-fixtures.sh
# Env:   GOTRACE_SHARED  the shared/ folder with oracle/ (default: <repo>/../shared)
#        GO_VENV         where go-env.sh installs Go if go1.27.3 is not on PATH
#
# Traces depend on timing: regenerated files differ byte-for-byte from the committed
# ones, but have the same structure (tasks, regions, generations, kinds of events).
# A trace larger than its size limit (the GC can make the background sweeper yield
# thousands of times, timing dependent) is regenerated, up to 5 attempts.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
. scripts/go-env.sh

shared=${GOTRACE_SHARED:-$repo/../shared}
if [ ! -f "$shared/oracle/build.sh" ]; then
  echo "gen-fixtures.sh: the trace oracle is missing: $shared/oracle/build.sh not found" >&2
  echo "  (expected the shared/ folder next to the repo; set GOTRACE_SHARED to its path)" >&2
  exit 1
fi
command -v python3 >/dev/null 2>&1 || { echo "gen-fixtures.sh: python3 is required" >&2; exit 1; }

out=tests/traces
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

echo "== building the oracle ($shared/oracle/build.sh)"
bash "$shared/oracle/build.sh" "$bin/traceoracle" 2>&1 | sed 's/^/  /'
[ -x "$bin/traceoracle" ] || { echo "gen-fixtures.sh: oracle build failed" >&2; exit 1; }

programs=(sample blocking annotations gc generations regionspan cpuprofile)
echo "== building tests/programs: ${programs[*]}"
for p in "${programs[@]}"; do
  (cd tests/programs && go build -trimpath -o "$bin/$p" "./$p")
done

# Size limits (bytes) above which a trace is regenerated.
limit() {
  case $1 in
    gc|generations) echo 300000 ;;
    *) echo 150000 ;;
  esac
}

mkdir -p "$out"
echo "== running the programs"
for p in "${programs[@]}"; do
  trace=$out/$p.trace
  max=$(limit "$p")
  for attempt in 1 2 3 4 5; do
    if [ "$p" = generations ]; then
      # 100 ms generations instead of 1 s: ~7 generations in ~0.6 s.
      GODEBUG=traceadvanceperiod=100000000 "$bin/$p" "$trace" >/dev/null
    else
      "$bin/$p" "$trace" >/dev/null
    fi
    size=$(stat -c %s "$trace")
    [ "$size" -le "$max" ] && break
    if [ "$attempt" = 5 ]; then
      echo "  warning: $trace is $size bytes (limit $max) after 5 attempts; keeping it" >&2
    else
      echo "  $trace: $size bytes > $max, regenerating (attempt $((attempt + 1)))"
    fi
  done
  echo "  $trace: $size bytes"
done

echo "== go tool trace -d=parsed"
for p in "${programs[@]}"; do
  trace=$out/$p.trace
  if ! go tool trace -d=parsed "$trace" >"$trace.parsed.txt" 2>"$bin/parsed.err"; then
    echo "gen-fixtures.sh: 'go tool trace -d=parsed $trace' failed:" >&2
    cat "$bin/parsed.err" >&2
    exit 1
  fi
  echo "  $trace.parsed.txt: $(stat -c %s "$trace.parsed.txt") bytes"
done

echo "== malformed fixtures (scripts/make_bad.py)"
rm -rf "$out/bad"
python3 scripts/make_bad.py "$out"

echo "== oracle JSON"
for trace in "$out"/*.trace "$out"/bad/*.trace; do
  if ! "$bin/traceoracle" "$trace" >"$trace.oracle.json"; then
    echo "gen-fixtures.sh: the oracle failed on $trace" >&2
    exit 1
  fi
done

echo "== summary"
python3 - "$out" <<'EOF'
import glob, json, os, sys
out = sys.argv[1]
print(f"  {'file':34} {'bytes':>8} {'events':>7} {'gor':>4} {'gens':>4} {'tasks':>5} {'regions':>7}  parse")
for t in sorted(glob.glob(os.path.join(out, '*.trace'))) + sorted(glob.glob(os.path.join(out, 'bad', '*.trace'))):
    d = json.load(open(t + '.oracle.json'))
    c = d.get('counts') or {}
    ev = (d.get('events') or {}).get('total', '-')
    pa = d['parse']
    status = 'ok' if pa.get('strict_ok') else ('accepted in part' if pa.get('reference_accepts') else 'rejected')
    print(f"  {os.path.relpath(t, out):34} {os.path.getsize(t):8} {ev!s:>7} {c.get('goroutines', '-')!s:>4} "
          f"{c.get('generations', '-')!s:>4} {c.get('tasks', '-')!s:>5} {c.get('regions', '-')!s:>7}  {status}")
EOF
total=$(du -sb "$out" | cut -f1)
echo "  total size of $out: $total bytes"
if [ "$total" -gt 3000000 ]; then
  echo "gen-fixtures.sh: $out is larger than 3 MB ($total bytes)" >&2
  exit 1
fi
