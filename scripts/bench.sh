#!/usr/bin/env bash
# Benchmark: gotrace vs `go tool trace` on a big (~85 MB) real trace. Not run by the tests.
#
#   scripts/bench.sh
#
# 1. builds tests/programs/biggen and, if $BENCH_TRACE does not exist, generates it
#    (`biggen -mb $BENCH_MB`: a realistic mix of ~70 busy goroutines, see its source);
#    with BENCH_V1=1, builds the same program with Go 1.19 (Debian's golang-1.19-go,
#    installed if missing) so that the trace is in the old format of Go 1.11-1.21;
# 2. runs, one after the other, under /usr/bin/time -v:
#      target/release/gotrace bench TRACE                (prints one JSON line)
#      target/release/gotrace analyze --json TRACE       (every analysis, the whole document)
#      target/release/gotrace pprof --kind sched TRACE   (like for like with Go's)
#      go tool trace -pprof=sched TRACE > /dev/null      (the toolchain's own parser + analysis)
# 3. prints a Markdown table (wall s, CPU s = user + system, max RSS, MB/s), the machine
#    and the commands.
#
# Env:
#   BENCH_TRACE  trace file (default target/bench/big.trace, with BENCH_V1=1
#                target/bench/big119.trace; kept for later runs)
#   BENCH_V1     1: a Go 1.19 (v1 format) trace; GO119 is that Go (default
#                /usr/lib/go-1.19/bin/go)
#   BENCH_MB     size of a generated trace in MB of 10^6 bytes (default 85)
#   BENCH_ONLY   "gotrace" or "go" to run only one side (default: both)
#   GOTRACE_BIN  our CLI (default target/release/gotrace; built with `cargo build --release`
#                if missing)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

die() { echo "bench.sh: $*" >&2; exit 1; }

v1=${BENCH_V1:-}
case $v1 in ""|0|1) ;; *) die "BENCH_V1 must be 1 or empty, not '$v1'" ;; esac
[ "$v1" = 0 ] && v1=
if [ -n "$v1" ]; then
  trace=${BENCH_TRACE:-target/bench/big119.trace}
else
  trace=${BENCH_TRACE:-target/bench/big.trace}
fi
mb=${BENCH_MB:-85}
only=${BENCH_ONLY:-}
gotrace=${GOTRACE_BIN:-target/release/gotrace}
case $only in ""|gotrace|go) ;; *) die "BENCH_ONLY must be 'gotrace', 'go' or empty, not '$only'" ;; esac
[[ $mb =~ ^[0-9]+$ ]] && [ "$mb" -gt 0 ] || die "BENCH_MB must be a positive integer, not '$mb'"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing: apt-get install time"

. scripts/go-env.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- the trace --------------------------------------------------------------------
mkdir -p "$(dirname "$trace")" target/bench
if [ ! -s "$trace" ]; then
  gen=target/bench/biggen
  if [ -n "$v1" ]; then
    # The same program built with Go 1.19, whose tracer writes the old format.
    go119=${GO119:-/usr/lib/go-1.19/bin/go}
    if [ ! -x "$go119" ]; then
      [ "$(id -u)" = 0 ] || die "Go 1.19 not found at $go119: apt-get install golang-1.19-go, or set GO119"
      echo "== installing Debian's golang-1.19-go" >&2
      apt-get update -qq >&2 && apt-get install -y -qq golang-1.19-go >&2 || die "installing golang-1.19-go failed"
    fi
    echo "== building tests/programs/biggen with $("$go119" version)" >&2
    mkdir -p "$work/big119"
    cp tests/programs/biggen/main.go "$work/big119/"
    printf 'module big119\n\ngo 1.19\n' >"$work/big119/go.mod"
    (cd "$work/big119" && GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go119" build -o "$repo/target/bench/biggen119" .) ||
      die "building tests/programs/biggen with Go 1.19 failed"
    gen=target/bench/biggen119
  else
    echo "== building tests/programs/biggen" >&2
    (cd tests/programs && go build -trimpath -o "$repo/target/bench/biggen" ./biggen) ||
      die "building tests/programs/biggen failed"
  fi
  echo "== generating $trace (at least $mb MB)" >&2
  if ! "$gen" -mb "$mb" "$trace.tmp" >&2; then
    rm -f "$trace.tmp"
    die "biggen failed to write $trace"
  fi
  mv "$trace.tmp" "$trace"
else
  echo "== using existing $trace (delete it to regenerate)" >&2
fi
bytes=$(stat -c %s "$trace")

# --- the tools --------------------------------------------------------------------
if [ "$only" != go ]; then
  if [ ! -x "$gotrace" ]; then
    if [ "$gotrace" = target/release/gotrace ] && command -v cargo >/dev/null 2>&1; then
      echo "== $gotrace missing: cargo build --release" >&2
      cargo build --release >&2 || die "cargo build --release failed"
    fi
    [ -x "$gotrace" ] || die "$gotrace not found (build it with 'cargo build --release', or set GOTRACE_BIN; BENCH_ONLY=go skips it)"
  fi
fi
if [ "$only" != gotrace ]; then
  # `go tool trace` is built on first use and cached; time the tool binary itself, not
  # the `go` launcher in front of it.
  gotool=$(go tool -n trace 2>/dev/null || true)
  if [ -n "$gotool" ] && [ -x "$gotool" ]; then
    gocmd=("$gotool")
  else
    gocmd=(go tool trace)
  fi
fi

# --- running ----------------------------------------------------------------------
# run NAME OUTFILE CMD...: runs CMD under /usr/bin/time -v, stdout to OUTFILE.
run() {
  local name=$1 out=$2
  shift 2
  echo "== $name: $*" >&2
  if ! /usr/bin/time -v -o "$work/$name.time" "$@" >"$out" 2>"$work/$name.err"; then
    cat "$work/$name.err" >&2
    [ -f "$work/$name.time" ] && grep -E 'exit|status' "$work/$name.time" >&2 || true
    die "$name failed"
  fi
}

# fields FILE: "wall cpu rss_kb" from a /usr/bin/time -v report.
fields() {
  awk -F': ' '
    /User time \(seconds\)/   { user = $2 }
    /System time \(seconds\)/ { sys = $2 }
    /Elapsed \(wall clock\)/  { n = split($NF, p, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + p[i] }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%.3f %.3f %d\n", wall, user + sys, rss }
  ' "$1"
}

rows=()
cmds=()
if [ "$only" != go ]; then
  run gotrace "$work/gotrace.out" "$gotrace" bench "$trace"
  read -r wall cpu rss < <(fields "$work/gotrace.time")
  rows+=("gotrace $wall $cpu $rss")
  cmds+=("$gotrace bench $trace")
  gotrace_json=$(tail -n 1 "$work/gotrace.out")
  # Parse + every analysis + the whole JSON document (what a script gets).
  run gotrace-analyze /dev/null "$gotrace" analyze --json "$trace"
  read -r wall cpu rss < <(fields "$work/gotrace-analyze.time")
  rows+=("gotrace-analyze $wall $cpu $rss")
  cmds+=("$gotrace analyze --json $trace > /dev/null")
  # Like for like with `go tool trace -pprof=sched`: parse, order and the sched profile.
  run gotrace-pprof /dev/null "$gotrace" pprof --kind sched -o "$work/sched.pb.gz" "$trace"
  read -r wall cpu rss < <(fields "$work/gotrace-pprof.time")
  rows+=("gotrace-pprof $wall $cpu $rss")
  cmds+=("$gotrace pprof --kind sched -o sched.pb.gz $trace")
fi
if [ "$only" != gotrace ]; then
  run go /dev/null "${gocmd[@]}" -pprof=sched "$trace"
  read -r wall cpu rss < <(fields "$work/go.time")
  rows+=("go-tool-trace $wall $cpu $rss")
  cmds+=("go tool trace -pprof=sched $trace > /dev/null   (tool binary: ${gocmd[*]})")
fi

# --- report -----------------------------------------------------------------------
model=$(lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')
echo
echo "### Trace parsing benchmark"
echo
echo "Trace: \`$trace\`, $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB)"
echo "Machine: $(nproc) CPUs, ${model:-unknown CPU}; $(go env GOVERSION)"
echo
echo "| tool | wall s | CPU s | max RSS MiB | MB/s |"
echo "| --- | ---: | ---: | ---: | ---: |"
for r in "${rows[@]}"; do
  read -r name wall cpu rss <<<"$r"
  awk -v n="$name" -v w="$wall" -v c="$cpu" -v r="$rss" -v b="$bytes" 'BEGIN {
    label = (n == "gotrace") ? "gotrace bench (parse, then parse + every analysis)" : (n == "gotrace-analyze") ? "gotrace analyze --json (every analysis, whole document)" : (n == "gotrace-pprof") ? "gotrace pprof --kind sched" : "go tool trace -pprof=sched"
    printf "| %s | %.2f | %.2f | %.1f | %.1f |\n", label, w, c, r / 1024, (w > 0 ? b / 1e6 / w : 0)
  }'
done
echo
if [ -n "${gotrace_json:-}" ]; then
  echo "gotrace reported: \`$gotrace_json\`"
  echo
fi
echo "Commands (each under \`/usr/bin/time -v\`; CPU = user + system; MB = 10^6 bytes):"
echo
for c in "${cmds[@]}"; do
  echo "    $c"
done
