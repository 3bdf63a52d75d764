# One entry point: `make demo` and `make test` set everything up on a fresh machine
# (Python 3.11+ and pip are all they need).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUM := $(shell cksum pyproject.toml | cut -d' ' -f1)
BASE := $(VENV)/.installed-base-$(SUM)
DEV := $(VENV)/.installed-dev-$(SUM)

.PHONY: demo test lint bench clean

# The demo needs only what rendering needs; the tests add the dev extras.
demo: $(BASE)
	$(BIN)/podcast voices install --quiet
	$(BIN)/podcast render episodes/lossless-compression.md

test: $(DEV) lint
	$(BIN)/podcast voices install --quiet
	$(BIN)/python -m pytest

lint: $(DEV)
	$(BIN)/ruff check podcast tests bench
	$(BIN)/mypy podcast tests

bench: $(DEV)
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/real_layouts.py
	$(BIN)/python bench/script_quality.py
	$(BIN)/python bench/offline_voice.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/batch.py

$(BASE): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-base-*
	touch $@

$(DEV): $(BASE)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-dev-*
	touch $@

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
