# ClearBill: build, serve and test.
#
#   make serve   install what is missing, build the page, serve www/ on http://localhost:8080
#   make test    install what is missing, run every check and test (what CI runs: .ci/run)
#   make build   the native CLI (target/release/clearbill), the wasm package (www/pkg/) and the
#                offline single-file app (dist/clearbill.html)
#   make bench   the benchmarks (benches/, results in BENCH.md)
#   make fuzz    every fuzz target for FUZZ_SECONDS each (cargo-fuzz, libFuzzer; see FUZZING.md)
#   make help    every target
#
# Every install step checks first and skips what is present, so these are cheap to repeat.
# Tools come only from rustup, crates.io, npm and Debian apt; nothing downloads a browser or a
# prebuilt binary. Variables you may override: PORT, BIND (the address to listen on; 0.0.0.0 to
# reach the page from outside a container), CHROMIUM, CHROMEDRIVER, FUZZ_SECONDS, FUZZ_TARGETS.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build
# The steps of `make test` run in the order listed; cargo parallelises inside each step.
.NOTPARALLEL:

PORT ?= 8080
# `make fuzz`: seconds per target, and which targets (fuzz/fuzz_targets/*.rs).
FUZZ_SECONDS ?= 120
FUZZ_TARGETS ?= money dates table records reconcile x12 x12_837 plain_vs_calamine
BIND ?= 127.0.0.1
CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
# The browser tests and wasm-bindgen-test-runner read these two.
export CHROMIUM CHROMEDRIVER

WASM_TARGET := wasm32-unknown-unknown
WASM_PACK_VERSION := 0.15.1
# wasm-bindgen-cli must be exactly the wasm-bindgen that Cargo.lock resolved (Cargo.toml pins it).
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)

# Where `cargo install` puts binaries, and the npm tools (binaryen's wasm-opt, which wasm-pack
# picks up from PATH instead of downloading its own).
CARGO_BIN := $(or $(CARGO_INSTALL_ROOT),$(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
NPM_STAMP := node_modules/.package-lock.json
# The page's wasm (www/pkg), and the xlsx writer (www/pkg-xlsx) that the page loads only when the
# user downloads an xlsx, so that the page's own download stays small (src/wasm_xlsx.rs).
WASM_PKG := www/pkg/clearbill_bg.wasm
WASM_XLSX_PKG := www/pkg-xlsx/clearbill_xlsx_bg.wasm
WASM_PKGS := $(WASM_PKG) $(WASM_XLSX_PKG)
# The whole app in one HTML file that works opened from disk (tools/single_file.mjs).
SINGLE_FILE := dist/clearbill.html
WWW_SOURCES := $(shell find www -type f -not -path 'www/pkg/*' -not -path 'www/pkg-xlsx/*')
BENCH_DIR := benches/data
# The other shapes of W1's files (benches/generate.rs --shape).
SHAPE_DATA := $(BENCH_DIR)/charges-wide-200000.xlsx $(BENCH_DIR)/charges-distinct-200000.xlsx
RUST_SOURCES := $(shell find src -name '*.rs') Cargo.toml Cargo.lock $(wildcard build.rs)
# The tests that run in the browser are tests/wasm*.rs (the other integration tests read files
# and run natively).
WASM_TESTS := $(patsubst tests/%.rs,--test %,$(wildcard tests/wasm*.rs))

.PHONY: help build serve test bench bench-shapes bench-million bench-prices bench-scale bench-quick bench-exports bench-wasm bench-data tools rust-tools wasm-tools node-tools \
	browser-tools office-tools cli wasm single-file fmt fmt-check clippy test-rust test-wasm e2e fuzz \
	fuzz-tools clean distclean

help:
	@echo 'make serve       install what is missing, build the page, serve it on http://localhost:$(PORT)'
	@echo 'make test        install what is missing; fmt-check, clippy, test-rust, wasm, test-wasm, e2e'
	@echo 'make build       cli + wasm + single-file'
	@echo 'make bench       the benchmarks: generate benches/data/ once, time everything, rewrite BENCH.md'
	@echo 'make bench-prices  a 2M-row hospital price file: CLI, Papa Parse, the page (figures in BENCH.md)'
	@echo 'make bench-scale   the CLI on csv pairs of 100k to 1M lines: CPU per line, memory per line (docs/scale.md)'
	@echo 'make bench-quick the benchmark harness on 10k-row files (a quick check)'
	@echo 'make bench-exports the page xlsx and csv downloads of 200k- and 1M-line reconciliations (BENCH.md)'
	@echo 'make bench-shapes  W1 on each generated shape of xlsx (plain, wide, distinct): wasm, floor, SheetJS'
	@echo 'make bench-million the page on a 1M + 1M xlsx pair in headless Chromium'
	@echo 'make fuzz        each fuzz target for FUZZ_SECONDS (default $(FUZZ_SECONDS)); findings in fuzz/artifacts/'
	@echo 'make tools       install what is missing: rust-tools wasm-tools node-tools browser-tools office-tools'
	@echo 'make cli         target/release/clearbill'
	@echo 'make wasm        www/pkg/ (the page) and www/pkg-xlsx/ (its xlsx writer): wasm-pack, release'
	@echo 'make single-file dist/clearbill.html: the whole app in one file that works offline from disk'
	@echo 'make fmt         format the Rust code (fmt-check only checks)'
	@echo 'make clippy      clippy -D warnings, native (all targets) and wasm32 (lib + wasm tests)'
	@echo 'make test-rust   cargo test, native: unit, integration and doc tests'
	@echo 'make test-wasm   tests/wasm*.rs in headless Chrome'
	@echo 'make e2e         tests/e2e/*.test.mjs in headless Chromium (screenshots: tests/e2e/output/)'
	@echo 'make clean       remove www/pkg, www/pkg-xlsx, dist and e2e output (distclean: also target/ and node_modules/)'

# ---------------------------------------------------------------------------------------------
# The three things people run.

build: cli wasm single-file

serve: wasm
	PORT=$(PORT) BIND=$(BIND) node tools/serve.mjs www

test: tools fmt-check clippy test-rust wasm test-wasm e2e
	@echo 'All tests passed.'

# benches/run.mjs times everything on the generated files and rewrites BENCH.md (a full run
# takes about 20 minutes on 2 cores, W1 on each shape and the downloads included; the 1M-row files are generated once
# and reused). The million-line page run is `make bench-million`, on its own.
bench: cli wasm bench-wasm bench-data node-tools browser-tools
	cargo build --release --features bench --example bench_native
	node benches/exports.mjs --runs 1 --json $(BENCH_DIR)/results-exports.json
	node benches/run.mjs

# Hospital price files (SPEC §10): a generated 2M-row tall CSV through the CLI, Papa Parse and the
# page's "Look up prices in a hospital file"; prints the figures (BENCH.md, "Hospital price files").
bench-prices: cli wasm node-tools browser-tools
	node benches/prices.mjs

# The same harness on the 10k-row files: a quick check that it works (BENCH.md says --quick).
# docs/scale.md: the CLI on generated csv pairs of growing size (throughput per core, memory per line).
bench-scale: cli
	benches/scale.sh

bench-quick: cli wasm bench-wasm node-tools browser-tools $(BENCH_DIR)/charges-10000.csv $(BENCH_DIR)/charges-10000.xlsx
	cargo build --release --features bench --example bench_native
	node benches/run.mjs --quick --runs 1

# The page's downloads (xlsx through its writer module, csv) of reconciled csv pairs, under Node
# (benches/exports.mjs; figures in BENCH.md, benches/notes.md).
bench-exports: wasm node-tools $(BENCH_DIR)/charges-200000.csv $(BENCH_DIR)/charges-1000000.csv
	node benches/exports.mjs

# The page's module plus the floor under reading (`bench` feature), for benches/one.mjs floor; the
# page itself never carries the floor.
bench-wasm: $(RUST_SOURCES) | wasm-tools node-tools
	wasm-pack build --mode no-install --target web --out-dir target/bench-pkg --out-name clearbill \
		--release -- --no-default-features --features page,bench

bench-data: $(BENCH_DIR)/charges-200000.xlsx $(BENCH_DIR)/charges-200000.csv $(BENCH_DIR)/charges-1000000.csv $(SHAPE_DATA)

# W1 on each shape only (a full `make bench` includes it); rewrites that section of BENCH.md.
bench-shapes: wasm bench-wasm $(BENCH_DIR)/charges-200000.xlsx $(SHAPE_DATA) node-tools
	node benches/run.mjs --only shapes

# The page on a 1M + 1M xlsx pair (generating it takes a minute or two; not part of `make bench`).
bench-million: wasm $(BENCH_DIR)/charges-1000000.xlsx node-tools browser-tools
	node benches/run.mjs --only million

# Seeded: the same rows always give the same files (charges-N.* and payments-N.*).
$(BENCH_DIR)/charges-wide-%.xlsx: benches/generate.rs | rust-tools
	cargo run --release --example bench_generate -- --rows $* --shape wide --out $(BENCH_DIR)

$(BENCH_DIR)/charges-distinct-%.xlsx: benches/generate.rs | rust-tools
	cargo run --release --example bench_generate -- --rows $* --shape distinct --out $(BENCH_DIR)

$(BENCH_DIR)/charges-%.xlsx: benches/generate.rs | rust-tools
	cargo run --release --example bench_generate -- --rows $* --format xlsx --out $(BENCH_DIR)

$(BENCH_DIR)/charges-%.csv: benches/generate.rs | rust-tools
	cargo run --release --example bench_generate -- --rows $* --format csv --out $(BENCH_DIR)

# ---------------------------------------------------------------------------------------------
# Installing what is missing.

tools: rust-tools wasm-tools node-tools browser-tools office-tools

rust-tools:
	@command -v cargo >/dev/null && command -v rustup >/dev/null || { \
		echo 'Rust is missing: install it with rustup (https://rustup.rs), then run make again.' >&2; \
		exit 1; }
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)
	@cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

# wasm-pack and wasm-bindgen-cli are built from crates.io (their prebuilt downloads are not
# reachable); each takes a few minutes, once.
wasm-tools: rust-tools
	@if [ "$$(wasm-pack --version 2>/dev/null)" = 'wasm-pack $(WASM_PACK_VERSION)' ]; then \
		echo 'wasm-pack $(WASM_PACK_VERSION): present'; \
	else \
		echo 'Installing wasm-pack $(WASM_PACK_VERSION) from crates.io'; \
		cargo install --locked wasm-pack --version '=$(WASM_PACK_VERSION)'; \
	fi
	@test -n '$(WASM_BINDGEN_VERSION)' || { echo 'Cargo.lock names no wasm-bindgen version' >&2; exit 1; }
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" = 'wasm-bindgen $(WASM_BINDGEN_VERSION)' ] && \
		[ "$$(wasm-bindgen-test-runner --version 2>/dev/null)" = 'wasm-bindgen-test-runner $(WASM_BINDGEN_VERSION)' ]; then \
		echo 'wasm-bindgen-cli $(WASM_BINDGEN_VERSION): present'; \
	else \
		echo 'Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (the version in Cargo.lock) from crates.io'; \
		cargo install --locked wasm-bindgen-cli --version '=$(WASM_BINDGEN_VERSION)'; \
	fi

# playwright-core, binaryen and axe-core, pinned in package.json and package-lock.json.
# npm rewrites $(NPM_STAMP) on every install, so a lock newer than it means node_modules is stale.
node-tools: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { \
		echo 'Node.js 20 or later and npm are missing: install them, then run make again.' >&2; \
		exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

# Chromium and chromedriver from Debian, the same version as each other; apt-get update runs only
# when the package lists do not know them or are too old to download them.
browser-tools:
	@if [ -x '$(CHROMIUM)' ] && [ -x '$(CHROMEDRIVER)' ]; then \
		echo 'chromium, chromedriver: present'; \
	else \
		echo 'Installing chromium and chromium-driver from Debian'; \
		apt-cache show chromium chromium-driver >/dev/null 2>&1 || $(APT_GET) update; \
		$(APT_GET) install -y chromium chromium-driver || { \
			$(APT_GET) update && $(APT_GET) install -y chromium chromium-driver; }; \
	fi

# LibreOffice writes the xlsx, xls and ods files that tests/money_formats.rs reads back ("money
# survives every format"); Debian's build without a GUI, installed once (a few minutes).
office-tools:
	@if command -v soffice >/dev/null; then \
		echo 'soffice: present'; \
	else \
		echo 'Installing libreoffice-calc-nogui from Debian'; \
		apt-cache show libreoffice-calc-nogui >/dev/null 2>&1 || $(APT_GET) update; \
		$(APT_GET) install -y libreoffice-calc-nogui || { \
			$(APT_GET) update && $(APT_GET) install -y libreoffice-calc-nogui; }; \
	fi

# ---------------------------------------------------------------------------------------------
# Building.

cli: rust-tools
	cargo build --release

wasm: $(WASM_PKGS)

# --mode no-install: use the wasm-bindgen on PATH (wasm-tools installed it) and never download.
# --no-default-features: the page needs neither the `cli` feature (clap) nor, in its own module,
# the `xlsx` one (rust_xlsxwriter); the writer module has the `xlsx` feature alone, and so only
# the code that writes a workbook. Both builds link target/wasm32-unknown-unknown/release/
# clearbill.wasm in turn; each wasm-pack run makes its own copy in www/.
$(WASM_PKG): $(RUST_SOURCES) | wasm-tools node-tools
	wasm-pack build --mode no-install --target web --out-dir www/pkg --out-name clearbill --release \
		-- --no-default-features --features page

$(WASM_XLSX_PKG): $(RUST_SOURCES) | wasm-tools node-tools
	wasm-pack build --mode no-install --target web --out-dir www/pkg-xlsx --out-name clearbill_xlsx \
		--release -- --no-default-features --features xlsx

# esbuild (pinned in package.json) bundles the page and the worker; both wasm modules go in as
# base64.
single-file: $(SINGLE_FILE)

$(SINGLE_FILE): $(WASM_PKGS) $(WWW_SOURCES) tools/single_file.mjs | node-tools
	node tools/single_file.mjs $@

# ---------------------------------------------------------------------------------------------
# Checking and testing. All steps share target/, so nothing is compiled twice for one profile.

fmt: rust-tools
	cargo fmt

fmt-check: rust-tools
	cargo fmt --check

# The wasm bindings (src/wasm.rs, src/wasm_xlsx.rs) only exist for wasm32, so they are linted
# there as well, together as the wasm tests build them.
# Native checks take the `bench` feature too, so that the benchmarks' floor and bench_native are
# linted and tested (one build: the same features everywhere).
clippy: rust-tools
	cargo clippy --all-targets --features bench -- -D warnings
	cargo clippy --target $(WASM_TARGET) --no-default-features --features page,xlsx --lib $(WASM_TESTS) \
		-- -D warnings

test-rust: rust-tools
	cargo test --all-targets --features bench
	cargo test --doc --features bench

# cargo test with wasm-bindgen-test-runner, which wasm-pack test would call too; but wasm-pack
# test builds every test target for wasm32, and the native ones cannot be (proptest forks
# processes, the CLI tests need the cli feature). The tests call both wasm modules' functions, so
# they build with both features. CHROMEDRIVER makes the runner use Debian's.
test-wasm: wasm-tools browser-tools
ifeq ($(WASM_TESTS),)
	@echo 'No tests/wasm*.rs: nothing to run in the browser.'
else
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
		cargo test --target $(WASM_TARGET) --no-default-features --features page,xlsx $(WASM_TESTS)
endif

# The Node API test and the upload test compare the page's wasm with the native CLI, so it is built
# first; the offline test opens the single file.
e2e: $(WASM_PKGS) $(SINGLE_FILE) cli node-tools browser-tools
	node --test --test-reporter=spec tests/e2e/*.test.mjs

# ---------------------------------------------------------------------------------------------
# Fuzzing (not part of `make test`). cargo-fuzz wants a nightly compiler for -Zsanitizer;
# RUSTC_BOOTSTRAP=1 lets the stable one accept the flag. Each target starts from its committed
# seeds (fuzz/seeds/TARGET, read only; tools/fuzz-seeds.sh remakes them) and keeps what it finds
# in fuzz/corpus/TARGET; a crash, a hang (-timeout) or running out of memory (-rss_limit_mb)
# stops the run, leaves the input in fuzz/artifacts/TARGET/ and fails make. FUZZING.md records
# the runs.

fuzz-tools: rust-tools
	@command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz

fuzz: fuzz-tools
	RUSTC_BOOTSTRAP=1 cargo fuzz build -O
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus/$$t; \
		echo "== fuzz target $$t for $(FUZZ_SECONDS) s"; \
		RUSTC_BOOTSTRAP=1 cargo fuzz run -O $$t fuzz/corpus/$$t fuzz/seeds/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			|| exit 1; \
	done
	@echo 'Fuzzing found nothing.'

# ---------------------------------------------------------------------------------------------

clean:
	rm -rf www/pkg www/pkg-xlsx dist tests/e2e/output

distclean: clean
	cargo clean
	rm -rf node_modules
