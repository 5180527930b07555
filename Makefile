# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run dev test test-real test-embedded check check-ruff check-imports check-types \
	check-migrations check-size lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required (found %s)" % sys.version.split()[0]'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The whole product with gunicorn serving the portal (Procfile); `make dev` instead runs
# Django's runserver, which restarts when a Python file changes (Procfile.dev).
run: install
	$(PY) manage.py devrun

dev: install
	$(PY) manage.py devrun --dev

# The guard rails first (see `check`), then the whole suite on real PostgreSQL and Redis
# (started from the installed binaries), then again on the embedded defaults (SQLite,
# local-memory cache, filesystem broker). A pass that runs no test fails (pytest exits 5).
test: install
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory test-real
	$(MAKE) --no-print-directory test-embedded

test-real: install
	PORTAL_TEST_SERVICES=real $(PY) -m pytest $(PYTEST_ARGS)

test-embedded: install
	PORTAL_TEST_SERVICES=embedded $(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

# The guard rails, all of them even when one fails (-k), each failing with a FAILED line:
# lint and format, the import contracts, the type check, migrations that match the models,
# and no app module over 600 lines. .pre-commit-config.yaml runs the same at commit time.
check: install
	@$(MAKE) --no-print-directory -k check-ruff check-imports check-types check-migrations \
		check-size || { echo "make check FAILED: see the FAILED lines above"; exit 1; }
	@echo "make check: all guards passed"

# The checkout's code, not whatever an editable install elsewhere points at (worktrees).
check check-%: export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

check-ruff: install
	@echo "== ruff: lint and format"
	@status=0; \
	$(VENV)/bin/ruff check . || { status=1; echo "FAILED ruff check: fix the lines above \
	(many with \`make format\`)"; }; \
	$(VENV)/bin/ruff format --check . || { status=1; echo "FAILED ruff format: files above \
	are not formatted; run \`make format\`"; }; \
	exit $$status

check-imports: install
	@echo "== import contracts ([tool.importlinter] in pyproject.toml)"
	@$(VENV)/bin/lint-imports --no-logo || { echo "FAILED import contracts: the imports \
	above break portal > bookings > providers, or reach sandbox/devtools"; exit 1; }

check-types: install
	@echo "== types: mypy with django-stubs ([tool.mypy] in pyproject.toml)"
	@$(VENV)/bin/mypy || { echo "FAILED types: mypy found the errors above"; exit 1; }

check-migrations: install
	@echo "== migrations match the models"
	@PORTAL_TEST_SERVICES=embedded DJANGO_SETTINGS_MODULE=tests.settings \
		$(PY) manage.py makemigrations --check --dry-run || { echo "FAILED migrations: a \
	model change has no migration; run \`$(PY) manage.py makemigrations\`"; exit 1; }

check-size: install
	@echo "== module size (tools/check_module_size.py)"
	@$(PY) tools/check_module_size.py

lint: check-ruff

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/ .pytest_cache .ruff_cache
