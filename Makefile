# The two commands of the README. Both install what is missing first, so a fresh Debian 12 machine
# needs nothing else:  `make run`  builds and starts the application;  `make test`  builds and runs
# every test through CTest.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: deps configure build run test clean sanitize fuzz kill-trials soak reliability

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@$(BUILD_DIR)/app/dora-studio

test: build
	@cd $(BUILD_DIR) && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j $(JOBS)

# The slow reliability checks (docs/reliability.md); `make reliability` runs them all.
FUZZ_SECONDS ?= 60
sanitize: deps
	@bash scripts/sanitize.sh

fuzz: deps
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

kill-trials: build
	@bash scripts/kill-trials.sh

soak: build
	@$(BUILD_DIR)/tests/bench/bench_soak 10000
	@QT_QPA_PLATFORM=offscreen $(BUILD_DIR)/tests/bench/bench_gui_history 100000 8

reliability: fuzz kill-trials soak sanitize

clean:
	@rm -rf $(BUILD_DIR)
