# One entry point: `make demo` and `make test` set everything up on a fresh machine
# (Python 3.11+ and pip are all they need).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint bench clean

demo: $(STAMP)
	$(BIN)/podcast voices install --quiet
	$(BIN)/podcast render episodes/lossless-compression.md

test: $(STAMP) lint
	$(BIN)/podcast voices install --quiet
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check podcast tests bench
	$(BIN)/mypy podcast tests

bench: $(STAMP)
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/real_layouts.py
	$(BIN)/python bench/script_quality.py
	$(BIN)/python bench/offline_voice.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/batch.py

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
