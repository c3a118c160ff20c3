# Tousu: `make run` to try it, `make test` to check it. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
STAMP := $(VENV)/.installed
CATALOGS := $(wildcard portal/translations/*/LC_MESSAGES/messages.po)

.DEFAULT_GOAL := help
.PHONY: help install run migrate seed scheduler test lint typecheck pytest bench bench-data translations compile-translations clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-22s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml examples/sector-hotel/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e examples/sector-hotel
	touch $(STAMP)

install: $(STAMP) compile-translations ## create .venv and install the project with its dev tools

compile-translations: $(STAMP) ## compile the zh_Hans_CN / en message catalogs
	$(BIN)/pybabel compile -d portal/translations --statistics 2>&1 | grep -v '^compiling' || true

translations: $(STAMP) ## re-extract messages and update the catalogs (then translate the new ones)
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i portal/translations/messages.pot -d portal/translations

migrate: install ## upgrade the database (SQLite in instance/ unless TOUSU_DATABASE_URL is set)
	$(BIN)/flask db upgrade

seed: migrate ## add the demo tenants if the database is empty
	$(BIN)/flask portal seed-demo

run: seed ## install, migrate, seed the demo and serve on http://127.0.0.1:5000 with the scheduler
	$(BIN)/flask portal serve --host 127.0.0.1 --port 5000

scheduler: install ## run the scheduler process alone (production: one or more)
	$(BIN)/flask portal scheduler

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install ## mypy
	$(BIN)/mypy

pytest: install ## the tests only (PostgreSQL too when TOUSU_TEST_POSTGRES_URL is set)
	$(BIN)/pytest $(PYTEST_ARGS)
	$(BIN)/pytest $(PYTEST_ARGS) examples/sector-hotel

test: lint typecheck pytest ## lint, types and the whole test suite

BENCH_TICKETS ?= 1000000
bench-data: install ## fill the PostgreSQL bench database tousu_bench (BENCH_TICKETS=1000000)
	$(BIN)/python -m bench.generate --tickets $(BENCH_TICKETS)

bench: install ## run every benchmark on the bench database and print one table (docs/performance.md)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean: ## remove the virtualenv and caches (keeps instance/)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
