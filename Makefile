# gotrace: `make test` runs every test; `make bench` the benchmark (not part of the tests).
.PHONY: setup build test test-rust lint wasm-check conformance bench fixtures

CARGO ?= cargo

setup:
	@bash scripts/setup.sh

build: setup
	$(CARGO) build --release --workspace

test: build test-rust lint wasm-check conformance

test-rust: setup
	$(CARGO) test --release --workspace

lint: setup
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings

# The parser and the analyses must build for the browser.
wasm-check: setup
	$(CARGO) check --release --target wasm32-unknown-unknown -p gotrace -p gotrace-analysis

conformance: build
	@bash scripts/conformance.sh

bench: build
	bash scripts/bench.sh

fixtures:
	bash scripts/gen-fixtures.sh
