# gotrace. The README's two commands: `make serve` and `make test`.
.PHONY: setup setup-rust setup-web build dist serve test test-rust test-browser lint wasm-check conformance bench fixtures

CARGO ?= cargo
PORT ?= 8123

setup: setup-rust setup-web

setup-rust:
	@bash scripts/setup.sh rust

setup-web:
	@bash scripts/setup.sh web

build: setup-rust
	$(CARGO) build --release --workspace

# dist/ (hostable as-is) and dist/gotrace.html (one self-contained file).
dist: setup
	bash scripts/build-web.sh

serve: dist
	python3 scripts/serve.py $(PORT)

test: build test-rust lint wasm-check conformance test-browser

test-rust: setup-rust
	$(CARGO) test --release --workspace

lint: setup-rust
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings

# The parser and the analyses must build for the browser.
wasm-check: setup-rust
	$(CARGO) check --release --target wasm32-unknown-unknown -p gotrace -p gotrace-analysis -p gotrace-wasm

conformance: build
	@bash scripts/conformance.sh

test-browser: build dist
	node --test tests/browser/ web/js/timeline/

bench: build
	bash scripts/bench.sh

fixtures:
	bash scripts/gen-fixtures.sh
