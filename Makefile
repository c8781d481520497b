# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test lint bench clean

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %d.%d)" % sys.version_info[:2])'
	$(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.runtime: $(VENV)/.python-ok pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.test: $(VENV)/.python-ok pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/pcemu serve $(ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Every test, the heavy ones too (a bare `.venv/bin/pytest` leaves those out).
test: lint
	$(BIN)/pytest -m ''

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

bench: $(VENV)/.runtime
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/lists.py
	$(BIN)/python bench/limits.py
	$(BIN)/python bench/persist.py
	$(BIN)/python bench/crash.py
	$(BIN)/python bench/writes.py
	$(BIN)/python bench/largeworld.py
	@if command -v wrk >/dev/null; then $(BIN)/python bench/throughput.py && $(BIN)/python bench/tokens.py && $(BIN)/python bench/memory.py; else echo "throughput, tokens and memory: install wrk (apt-get install wrk)"; fi
