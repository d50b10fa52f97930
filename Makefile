# Meridian: `make run` serves the demo, `make test` runs every test.
# Both install missing Debian packages first (scripts/install-deps).

BUILD      ?= build
ASAN_BUILD ?= build-asan-clang
FUZZ_BUILD ?= build-fuzz
TSAN_BUILD ?= build-tsan-clang
JOBS       ?= $(shell nproc)
DEMO_DIR   ?= out/demo
DEMO_ROWS  ?= 200000
DEMO_SEED  ?= 42
# FUZZ_SECONDS: per target, for `make fuzz` (default 300) and `make fuzz-long` (default 3600).
FUZZ_SMOKE_SECONDS ?= 8
FUZZ_TARGET ?= ingest_fuzz
FUZZ_TARGETS = ingest_fuzz query_string_fuzz snapshot_fuzz attached_fuzz http_fuzz form_fuzz \
               markdown_fuzz fhir_fuzz

.PHONY: all deps build build-server run test test-unit test-e2e test-asan test-tsan fuzz fuzz-smoke fuzz-long format format-check reliability bench-digest bench-fhir \
        test-cluster test-cluster-short test-overload-short \
        bench-ingest bench-search bench-http bench-store demo clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

# Only the server binary: what `make run` needs (no tests, fuzzers or benchmarks).
build-server: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS) meridian

$(DEMO_DIR)/demo.snap: | build-server
	@mkdir -p $(DEMO_DIR)
	$(BUILD)/meridian synth --rows $(DEMO_ROWS) --seed $(DEMO_SEED) --out $(DEMO_DIR)/npidata_synthetic.csv
	$(BUILD)/meridian ingest --nppes $(DEMO_DIR)/npidata_synthetic.csv \
	  --pl $(DEMO_DIR)/npidata_synthetic_pl.csv --out $(DEMO_DIR)/demo.snap \
	  --errors $(DEMO_DIR)/errors.csv

# Last week's registry for the digest's "new near you": the same file
# without its last 2,000 rows, which become this week's new practitioners.
$(DEMO_DIR)/demo_previous.snap: $(DEMO_DIR)/demo.snap
	head -n -2000 $(DEMO_DIR)/npidata_synthetic.csv > $(DEMO_DIR)/npidata_previous.csv
	$(BUILD)/meridian ingest --nppes $(DEMO_DIR)/npidata_previous.csv \
	  --pl $(DEMO_DIR)/npidata_synthetic_pl.csv --out $(DEMO_DIR)/demo_previous.snap \
	  --errors $(DEMO_DIR)/errors_previous.csv > /dev/null

demo: build-server $(DEMO_DIR)/demo.snap $(DEMO_DIR)/demo_previous.snap

# Serves the demo snapshot (synthetic data) on http://127.0.0.1:8080 until Ctrl-C.
run: demo
	@echo "== Meridian demo: SYNTHETIC sample data ($(DEMO_ROWS) generated rows, seed $(DEMO_SEED)); not real providers =="
	@echo "== Try: curl 'http://127.0.0.1:8080/api/v1/search?near=10001&modality=acupuncture&limit=3'"
	@echo "==      curl http://127.0.0.1:8080/api/v1/openapi.json"
	@echo "== Open http://127.0.0.1:8080/ in a browser"
	@$(BUILD)/meridian store migrate --store sqlite:$(DEMO_DIR)/meridian.sqlite
	@echo "== Operator console: http://127.0.0.1:8080/admin. Create the first operator with:"
	@echo "==   $(BUILD)/meridian admin add-user --store sqlite:$(DEMO_DIR)/meridian.sqlite --email you@example.org --role admin"
	@echo "== Weekly digest: sign up at http://127.0.0.1:8080/digest; mail is written to $(DEMO_DIR)/mail/*.eml. Send the week's digest with:"
	@echo "==   $(BUILD)/meridian digest send --store sqlite:$(DEMO_DIR)/meridian.sqlite --snapshot $(DEMO_DIR)/demo.snap --previous $(DEMO_DIR)/demo_previous.snap"
	$(BUILD)/meridian serve --snapshot $(DEMO_DIR)/demo.snap --listen 127.0.0.1:8080 --access-log - \
	  --store sqlite:$(DEMO_DIR)/meridian.sqlite

test: build test-unit test-e2e test-cluster-short test-overload-short test-asan test-tsan fuzz-smoke

test-unit:
	@echo "== $$(date -u +%H:%M:%S) $@"
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Browser tests of the web pages (tests/e2e): Debian chromium + playwright-core
# and @axe-core/playwright from npm (versions pinned in package-lock.json).
# Screenshots go to build/e2e-screenshots; UPDATE_DOC_SCREENSHOTS=1 also
# refreshes docs/screenshots.
test-e2e: build
	@echo "== $$(date -u +%H:%M:%S) $@"
	cd tests/e2e && npm ci --no-audit --no-fund --silent
	cd tests/e2e && MERIDIAN_BIN=$(CURDIR)/$(BUILD)/meridian SCREENSHOT_DIR=$(CURDIR)/$(BUILD)/e2e-screenshots \
	  node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec .

# A fleet on this machine, under faults (tests/cluster/cluster.py, needs
# root): HAProxy, three `meridian serve --follow` and a PostgreSQL primary +
# standby, each in its own network namespace. The long form prints the
# figures of bench/results/cluster.md; make test runs the short form.
test-cluster: build
	/usr/bin/python3 tests/cluster/cluster.py --meridian $(BUILD)/meridian --results $(BUILD)/cluster-results.json

test-cluster-short: build
	@echo "== $$(date -u +%H:%M:%S) $@"
	/usr/bin/python3 tests/cluster/cluster.py --meridian $(BUILD)/meridian --short

# clang, with the libFuzzer instrumentation in the libraries as well: the
# fuzz smoke links its targets against the same objects, so make test
# compiles the code under ASan once (gcc's ASan build plus a separate fuzz
# build took 17 + 5 minutes on 2 cores).
$(ASAN_BUILD)/build.ninja:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DMERIDIAN_SANITIZE=ON -DMERIDIAN_FUZZ=ON

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer,
# but for the tests that time processes behind HAProxy (the release tier
# runs them; under ASan they measure the sanitizer, not the fleet).
ASAN_SKIP = HaproxyTest|ServeFollow
test-asan: deps $(ASAN_BUILD)/build.ninja
	@echo "== $$(date -u +%H:%M:%S) $@"
	ninja -C $(ASAN_BUILD) -j $(JOBS) meridian meridian_tests
	cd $(ASAN_BUILD) && MERIDIAN_TEST_SCALE=0.25 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS) \
	  -E '$(ASAN_SKIP)'

# clang too: it compiles the sanitizer builds several times faster than gcc.
$(TSAN_BUILD)/build.ninja:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DMERIDIAN_TSAN=ON

# The tests that run threads, under ThreadSanitizer: the filters in
# tests/tsan_tests.txt (the TSan build compiles only the files that hold them).
TSAN_TESTS := $(shell sed -e '/^\#/d' -e '/^$$/d' tests/tsan_tests.txt | paste -sd: -)
test-tsan: deps $(TSAN_BUILD)/build.ninja
	@echo "== $$(date -u +%H:%M:%S) $@"
	ninja -C $(TSAN_BUILD) -j $(JOBS) meridian meridian_tests
	cd $(TSAN_BUILD) && MERIDIAN_TEST_SCALE=0.25 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp \
	  ./meridian_tests --gtest_filter='$(TSAN_TESTS)'

$(FUZZ_BUILD)/build.ninja:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMERIDIAN_FUZZ=ON

# libFuzzer targets for every input a stranger controls (tests/fuzz/*_fuzz.cc;
# tests/fuzz/run.sh runs them): NPPES CSV rows, query strings, snapshot files,
# side files and the deactivation report, raw HTTP requests, form bodies and
# guide answers, articles, FHIR search parameters.
# `make fuzz` runs one target (FUZZ_TARGET, default ingest_fuzz) for
# FUZZ_SECONDS (default 300); inputs that crash are written to
# tests/fuzz/artifacts/; copy them into tests/fuzz/regressions/<target>/.
fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) -j $(JOBS) $(FUZZ_TARGET)
	tests/fuzz/run.sh long $(FUZZ_BUILD) $(or $(FUZZ_SECONDS),300) $(FUZZ_TARGET)

# In `make test`: builds every target in the ASan tier's tree (-O1, the
# libraries already built there), replays tests/fuzz/regressions/<target>/,
# then runs each for FUZZ_SMOKE_SECONDS from its seed corpus and dictionary.
fuzz-smoke: deps $(ASAN_BUILD)/build.ninja
	@echo "== $$(date -u +%H:%M:%S) $@"
	ninja -C $(ASAN_BUILD) -j $(JOBS) $(FUZZ_TARGETS)
	tests/fuzz/run.sh smoke $(ASAN_BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

# Every target for FUZZ_SECONDS (default 3600) or FUZZ_RUNS executions
# (default 10,000,000), whichever comes first, one after another, with
# -print_final_stats=1: each target's final stats and exec count go to
# $(FUZZ_BUILD)/fuzz-stats/<target>.txt (its whole log beside it). A subset:
# make fuzz-long FUZZ_TARGETS="http_fuzz snapshot_fuzz".
fuzz-long: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) -j $(JOBS) $(FUZZ_TARGETS)
	tests/fuzz/run.sh long $(FUZZ_BUILD) $(or $(FUZZ_SECONDS),3600) $(FUZZ_TARGETS)

format:
	clang-format-14 -i $$(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc' 'tests/*.cc')

format-check:
	clang-format-14 --dry-run -Werror $$(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc' 'tests/*.cc')

# Generates a ~1 GB synthetic file once (bench/work/), then measures ingest.
bench-ingest: build
	bench/ingest.sh $(BUILD)

# In-process search latency, load time and memory on synthetic snapshots.
# In-process latency, load and memory (1 M), then the same queries in PostGIS and SQLite.
bench-search: build
	bench/search.sh $(BUILD)
	bench/peers.sh $(BUILD)

# wrk on loopback against a 1 M synthetic snapshot (BENCH_ROWS=9000000 for 9 M).
bench-http: build
	bench/http.sh $(BUILD)

# Report submissions per second on each store backend (durable writes), and
# search throughput alone and while they run; writes bench/results/store.md.
bench-store: build
	bench/store.sh $(BUILD)

# FHIR and the JSON API on the same searches, and the FHIR and HSDS exports;
# writes bench/results/fhir.md.
bench-fhir: build
	bench/fhir.sh $(BUILD)

# A week's digest to 100,000 subscribers over SMTP; writes bench/results/digest.md.
bench-digest: build
	bench/digest.sh $(BUILD)

# Past capacity, short form (tests/reliability/overload.py): 20,000 rows,
# 64 connections allowed, wrk with 256, then a burst of 2,000 connections.
test-overload-short: build
	@echo "== $$(date -u +%H:%M:%S) $@"
	/usr/bin/python3 tests/reliability/overload.py --meridian $(BUILD)/meridian \
	  --bench-search $(BUILD)/bench_search --short

# The long reliability runs, written to bench/results/reliability.md
# (bench/reliability.sh): every fuzz target for FUZZ_SECONDS (default 3600)
# each, the damaged-snapshot sweep on a larger snapshot, the costliest legal
# searches at 9 M, overload at 1 M, the 60-minute soak at 9 M, and the digest
# sender killed at random points of a 10,000-subscriber run. Parts can be
# skipped: RELIABILITY_SKIP="fuzz soak". Takes about 10 hours in full.
reliability: build
	bench/reliability.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD)
