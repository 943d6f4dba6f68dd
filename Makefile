# STAP-portaal. `make run` serves the product; `make test` runs every check CI runs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAP := $(BIN)/stap
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test install lint format typecheck migrations-check pytest demo messages benchmark clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed
	$(STAP) compiletranslations -v 0

run: install
	$(STAP) migrate --no-input -v 0
	$(STAP) createcachetable
	$(STAP) load_demo_data
	$(STAP) devserver

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy src tests benchmarks

migrations-check: install
	STAP_ENV=test $(STAP) makemigrations --check --dry-run

pytest: install
	STAP_ENV=test $(BIN)/pytest

test: lint format typecheck migrations-check pytest

messages: install
	cd src/stap && ../../$(STAP) makemessages -l en --no-obsolete --ignore=testbroker/*

benchmark: install
	$(BIN)/python benchmarks/overview.py
	$(BIN)/python benchmarks/register.py search
	$(BIN)/python benchmarks/bulk_vooraanmeldingen.py

clean:
	rm -rf $(VENV) node_modules var staticfiles
