# Two commands do all the set-up on a fresh machine:
#   make run    build the environment, migrate, seed, serve on http://127.0.0.1:5000 (SQLite)
#   make test   build the environment with the test extras and run the suite
# TRACKER_TEST_DATABASE_URL=postgresql://root@127.0.0.1:5432/tracker_test make test
# runs the same suite against PostgreSQL.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint package-check install install-test serve clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/activate
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[test]"

run: install
	$(BIN)/flask --app tracker db upgrade
	$(BIN)/flask --app tracker seed
	$(BIN)/flask --app tracker first-admin
	@echo "Serving the tracker on http://$(HOST):$(PORT)/ (Ctrl-C stops it)."
	$(BIN)/flask --app tracker run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

# Formatting, lint and types (CI runs this before the tests).
lint: install-test
	$(BIN)/ruff format --check tracker tests bench config.py
	$(BIN)/ruff check tracker tests bench config.py
	$(BIN)/mypy

# The wheel carries templates, migrations and the seed: build it, install it in a clean
# virtualenv, then migrate, seed and serve one page from outside the checkout.
package-check:
	.ci/package-check

clean:
	rm -rf $(VENV) instance/tracker.sqlite
