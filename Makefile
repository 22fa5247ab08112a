# rolescope — every entry point a newcomer, an operator or CI needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
SHARED ?= ../shared

export PREFECT_HOME ?= $(CURDIR)/var/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_UI_ENABLED := false
export SCRAPY_CHECK_UPDATES := false

.PHONY: install demo test lint unit eval bench fuzz crash lock clean

# Bytecode is compiled once at install: every flow, worker and test subprocess then starts
# 2-3x faster (where PYTHONDONTWRITEBYTECODE is set, Python would recompile each time).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "uv==0.13.9"
	$(BIN)/uv pip sync -q --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP) ## create .venv and install the locked dependencies

demo: install ## run the nightly flow once on the bundled demo board, into ./var
	@mkdir -p "$(PREFECT_HOME)"  # Prefect creates its home, but not a missing parent (./var)
	$(BIN)/rolescope run

test: install lint ## lint, type-check and run the whole test suite
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

unit: install ## only the fast unit tests
	$(BIN)/pytest -q tests/unit

eval: install ## classifier and extraction figures on ../shared/data/dev.jsonl (skipped if absent)
	@if [ -f $(SHARED)/data/dev.jsonl ]; then \
	  $(BIN)/rolescope eval --data $(SHARED)/data/dev.jsonl; \
	else echo "eval: $(SHARED)/data/dev.jsonl not found, nothing to evaluate"; fi

fuzz: install ## the full fuzz run: 800 cases per property test, at least 10,000 in all
	ROLESCOPE_FUZZ_EXAMPLES=800 ROLESCOPE_FUZZ_MIN_CASES=10000 $(BIN)/pytest -q tests/fuzz

crash: install ## kill the nightly run at every fault point, rerun, compare with a clean run
	ROLESCOPE_CRASH_MATRIX=full $(BIN)/pytest -q tests/reliability/test_crash_recovery.py

bench: install ## benchmarks (not part of the test suite)
	$(BIN)/python -m benchmarks

lock: ## re-resolve requirements.lock from pyproject.toml
	$(BIN)/uv pip compile -q pyproject.toml --extra dev -o requirements.lock

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
