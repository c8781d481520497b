# Two commands on a fresh machine with Python 3.11+: `make run` and `make test` (`make docs` serves the docs).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test lint bench clean docs docs-build

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %d.%d)" % sys.version_info[:2])'
	$(PYTHON) -m venv $(VENV)
	@touch $@

# pip compiles the bytecode of what it installs, but an editable install leaves the emulator's own modules to be
# compiled when first imported, and where PYTHONDONTWRITEBYTECODE is set (some CI images set it) at every start:
# about 130 modules, 0.4 s of each `pcemu` process's start. Compiled here once; Python recompiles a changed one.
COMPILE := $(BIN)/python -m compileall -q emulator

$(VENV)/.runtime: $(VENV)/.python-ok pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	$(COMPILE)
	@touch $@

$(VENV)/.test: $(VENV)/.python-ok pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(COMPILE)
	@touch $@ $(VENV)/.runtime

$(VENV)/.docs: $(VENV)/.python-ok pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[docs]'
	@touch $@

run: $(VENV)/.runtime
	$(BIN)/pcemu serve $(ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Every test: the heavy ones, the docs' examples and the container test too (a bare `.venv/bin/pytest` leaves
# those out; the container test skips, saying why, without root and podman).
test: lint
	$(COMPILE)
	$(BIN)/pytest -m ''

# The documentation site at http://127.0.0.1:8000 (MkDocs with Material), rebuilt as the pages change.
docs: $(VENV)/.docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

# What CI checks: the site builds with no warning (broken links and anchors included) into build/site.
docs-build: $(VENV)/.docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

bench: $(VENV)/.runtime
	$(COMPILE)  # start-up is measured as after an install: the bytecode of the current sources cached
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/lists.py
	$(BIN)/python bench/limits.py
	$(BIN)/python bench/persist.py
	$(BIN)/python bench/crash.py
	$(BIN)/python bench/writes.py
	$(BIN)/python bench/largeworld.py
	@if command -v wrk >/dev/null; then $(BIN)/python bench/throughput.py && $(BIN)/python bench/tokens.py && $(BIN)/python bench/memory.py; else echo "throughput, tokens and memory: install wrk (apt-get install wrk)"; fi
