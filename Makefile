# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test test-real test-embedded lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required (found %s)" % sys.version.split()[0]'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: install
	$(PY) manage.py devrun

# The whole suite on real PostgreSQL and Redis (started from the installed binaries),
# then again on the embedded defaults (SQLite, local-memory cache, filesystem broker).
test: install
	$(MAKE) --no-print-directory test-real
	$(MAKE) --no-print-directory test-embedded

test-real: install
	PORTAL_TEST_SERVICES=real $(PY) -m pytest $(PYTEST_ARGS)

test-embedded: install
	PORTAL_TEST_SERVICES=embedded $(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/ .pytest_cache .ruff_cache
