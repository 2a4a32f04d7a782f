# Switchboard: `make run` builds everything and serves the demo; `make test` runs every test.

CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
DEBUG_BIN := $(CARGO_TARGET_DIR)/debug/switchboard
# Test tools that are neither crates nor npm packages live outside the clone, so repeated runs
# on one machine reuse them.
SWITCHBOARD_TOOLS ?= /var/tmp/switchboard-ci
TOOLS_VENV := $(SWITCHBOARD_TOOLS)/venv

.PHONY: run test web web-deps rust-test web-test e2e lint screenshots clean schemathesis-deps api-conformance postgres-test load-smoke bench

# What the web build reads: when none of it changed, `web/dist` is not rebuilt, so the release
# crate that embeds it is not recompiled either (a second `make run` starts at once). Tests are
# not built into the app.
WEB_SOURCES := $(filter-out %.test.ts %.test.tsx,$(shell find web/src web/public -type f 2>/dev/null)) \
	$(wildcard web/*.html) web/package.json web/package-lock.json web/vite.config.ts web/tsconfig.json
WEB_BUILD := web/dist/index.html

## Build the web app and the server (release), run on SQLite with demo data (an existing demo
## database is reused as it is).
run: $(WEB_BUILD)
	cargo build --release
	@echo ""
	@echo "Switchboard: http://127.0.0.1:8080"
	@echo "Demo sign-ins (password = username):"
	@echo "  agents alice, bob · manager dana · admin admin · customers carol, ivan (ITIL)"
	@echo ""
	$(CARGO_TARGET_DIR)/release/switchboard --demo

## Every test: Rust (nextest), the black-box API tests again on PostgreSQL, web type check and
## unit tests, the API document against the server (schemathesis), browser tests.
test: $(WEB_BUILD) schemathesis-deps
	cargo nextest run --no-fail-fast
	$(MAKE) --no-print-directory postgres-test
	$(MAKE) --no-print-directory load-smoke
	cd web && npm run typecheck && npm test
	cargo build --bin switchboard
	$(TOOLS_VENV)/bin/python tests/schemathesis/run.py $(DEBUG_BIN)
	cd web && SWITCHBOARD_BIN=$(DEBUG_BIN) npm run e2e

## The black-box API tests and the PostgreSQL storage tests on PostgreSQL (each test creates a database with a random name on
## the server SWITCHBOARD_TEST_POSTGRES names, default postgres://postgres@127.0.0.1:5432/postgres,
## and drops it). Under CI (CI=true) it must run; elsewhere, with no server, it is skipped loudly.
TEST_POSTGRES := $(or $(SWITCHBOARD_TEST_POSTGRES),postgres://postgres@127.0.0.1:5432/postgres)
postgres-test:
	@if pg_isready -q -d "$(TEST_POSTGRES)" 2>/dev/null; then 		echo "== the API and storage tests on PostgreSQL"; 		SWITCHBOARD_TEST_BACKEND=postgres cargo nextest run --no-fail-fast -E 'binary(api) | test(/^storage::postgres::/)'; 	elif [ "$$CI" = "true" ]; then 		echo "PostgreSQL at $(TEST_POSTGRES) is required under CI" >&2; exit 1; 	else 		echo ""; 		echo "!!!!!!!! SKIPPED: the API tests on PostgreSQL (no server at $(TEST_POSTGRES)) !!!!!!!!"; 		echo ""; 	fi

## The load generator's own tests and small runs of it against servers it starts (a desk, a
## reconnect storm, idle sockets, two nodes on PostgreSQL): fails only on errors or lost,
## doubled, misordered or repeated entries, never on speed.
load-smoke:
	cargo test --features load --bin switchboard-load
	cargo build --features load --bins
	$(CARGO_TARGET_DIR)/debug/switchboard-load --spawn --scenario smoke
	$(CARGO_TARGET_DIR)/debug/switchboard-load --spawn --scenario storm --sessions 20 --per-agent 5
	$(CARGO_TARGET_DIR)/debug/switchboard-load --spawn --scenario idle --connections 200
	@if pg_isready -q -d "$(TEST_POSTGRES)" 2>/dev/null; then \
		$(CARGO_TARGET_DIR)/debug/switchboard-load --spawn --postgres "$(TEST_POSTGRES)" --nodes 2 --scenario smoke; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL at $(TEST_POSTGRES) is required under CI" >&2; exit 1; \
	else echo "!!!!!!!! SKIPPED: the smoke run on two nodes (no PostgreSQL at $(TEST_POSTGRES)) !!!!!!!!"; fi

## The benchmark (release build; docs/benchmarks.md): S1 one chat, S2 a desk at peak (1,000
## sessions, closed and open loop), S3 idle sockets, S4 a reconnect storm, S5 two nodes on
## PostgreSQL (when it runs), and S1/S2 against a local Synapse (when scripts/synapse.sh
## installed it); each on servers the tool starts. The JSON reports and the latency plot go to
## target/bench/.
BENCH := $(CARGO_TARGET_DIR)/bench
LOAD := $(CARGO_TARGET_DIR)/release/switchboard-load
SYNAPSE_DIR := $(SWITCHBOARD_TOOLS)/synapse-data
# Each run needs thousands of open files (sockets): the soft limit goes up to the hard one.
RAISE_FILES := ulimit -n "$$(ulimit -Hn)" 2>/dev/null;
bench:
	cargo build --release --features load --bins
	mkdir -p $(BENCH)
	$(RAISE_FILES) $(LOAD) --spawn --scenario one-chat --messages 2000 --json $(BENCH)/s1.json
	$(RAISE_FILES) $(LOAD) --spawn --scenario desk --sessions 1000 --messages 20 --json $(BENCH)/s2-closed.json
	$(RAISE_FILES) $(LOAD) --spawn --scenario desk --sessions 1000 --messages 10 --rate 2000 --json $(BENCH)/s2-open.json
	$(RAISE_FILES) $(LOAD) --spawn --scenario idle --connections 10000 --json $(BENCH)/s3.json
	$(RAISE_FILES) $(LOAD) --spawn --scenario storm --sessions 5000 --per-agent 50 --json $(BENCH)/s4.json
	@if pg_isready -q -d "$(TEST_POSTGRES)" 2>/dev/null; then \
		$(RAISE_FILES) $(LOAD) --spawn --postgres "$(TEST_POSTGRES)" --nodes 2 --scenario one-chat --messages 1000 --json $(BENCH)/s5.json; \
	else echo "!!!! SKIPPED: S5 (no PostgreSQL at $(TEST_POSTGRES))"; rm -f $(BENCH)/s5.json; fi
	@if [ -x $(SWITCHBOARD_TOOLS)/synapse-venv/bin/python ]; then \
		scripts/synapse.sh start $(SYNAPSE_DIR) && \
		pid=$$(cat $(SYNAPSE_DIR)/synapse.pid) && \
		$(LOAD) --target matrix --url http://127.0.0.1:$${SYNAPSE_PORT:-8008} --server-pid $$pid --scenario one-chat --messages 200 --json $(BENCH)/matrix-s1.json && \
		$(LOAD) --target matrix --url http://127.0.0.1:$${SYNAPSE_PORT:-8008} --server-pid $$pid --scenario desk --sessions 20 --messages 20 --json $(BENCH)/matrix-s2.json; \
		status=$$?; scripts/synapse.sh stop $(SYNAPSE_DIR); exit $$status; \
	else echo "!!!! SKIPPED: the Matrix figures (scripts/synapse.sh install, see docs/benchmarks.md)"; rm -f $(BENCH)/matrix-*.json; fi
	$(LOAD) --plot $(BENCH)/latency.svg --plot-from "S1=$(BENCH)/s1.json" \
		--plot-from "S2 open 2,000/s=$(BENCH)/s2-open.json" \
		$$(test -f $(BENCH)/s5.json && echo --plot-from "S5=$(BENCH)/s5.json") \
		$$(test -f $(BENCH)/matrix-s1.json && echo --plot-from "Synapse=$(BENCH)/matrix-s1.json")

## The API document against the server: a bounded schemathesis pass on a fresh demo server.
api-conformance: schemathesis-deps
	cargo build --bin switchboard
	$(TOOLS_VENV)/bin/python tests/schemathesis/run.py $(DEBUG_BIN)

## Schemathesis, pinned in tests/schemathesis/requirements.txt, in a venv outside the clone.
schemathesis-deps: $(TOOLS_VENV)/requirements.txt

$(TOOLS_VENV)/requirements.txt: tests/schemathesis/requirements.txt
	python3 -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install --quiet --disable-pip-version-check -r $<
	cp $< $@

web-deps: web/node_modules/.package-lock.json

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

## Build the web app into web/dist (embedded in release builds, read from disk in debug), only
## when its sources changed.
web: $(WEB_BUILD)

$(WEB_BUILD): $(WEB_SOURCES) web/node_modules/.package-lock.json
	cd web && npm run build

## Formatting, lints and the web type check.
lint: web-deps
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cd web && npm run typecheck

## PNGs of every screen into web/e2e/artifacts/.
screenshots: $(WEB_BUILD)
	cargo build --bin switchboard
	cd web && SWITCHBOARD_BIN=$(DEBUG_BIN) npm run screenshots

clean:
	cargo clean
	rm -rf web/dist web/node_modules
