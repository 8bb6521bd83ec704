# Bascule: the two commands are `make demo` and `make test`; both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: setup system demo test test-unit test-spec test-generative test-integration test-acceptance bench lint format clean

setup: $(STAMP) system

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

system:
	bash scripts/setup-system.sh

demo: setup
	$(PY) -m bascule demo

# pytest exits 5 when a folder has no tests: that is not a failure.
define run_pytest
	$(PY) -m pytest $(1) $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then rc=0; fi; exit $$rc
endef

test: setup
	$(call run_pytest,tests)

test-unit: setup
	$(call run_pytest,tests/unit)

test-spec: setup
	$(call run_pytest,tests/spec)

test-generative: setup
	$(call run_pytest,tests/generative)

test-integration: setup
	$(call run_pytest,tests/integration)

test-acceptance: setup
	$(call run_pytest,tests/acceptance)

bench: setup
	$(PY) bench/run.py

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) bascule-demo .pytest_cache .mypy_cache .ruff_cache
