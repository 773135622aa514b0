# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PYTHONUNBUFFERED := 1

.PHONY: run test install install-dev lint format screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: the app on its embedded default (SQLite, local files, no broker server) with a worker and beat.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_seed
	@echo "SesioCloset: http://127.0.0.1:$(PORT)/  (demo@sesiocloset.local / sesio-demo-closet). Ctrl-C stops all."
	$(BIN)/honcho start -f Procfile.dev -p $(PORT)

## make test: lint, format check and the whole suite (browser tests included).
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make screenshots: refresh the README's screenshots from the browser tests.
screenshots: install-dev
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest tests/browser -q

bench: install-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
