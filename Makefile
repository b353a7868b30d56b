# Opsbook. `make run` serves the demo; `make test` runs everything CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
OPSBOOK := $(BIN)/opsbook
PG_URL ?= postgres://postgres@127.0.0.1:5432/opsbook
DURATIONS := --durations=15
# The suite runs in parallel (pytest-xdist): PYTEST_WORKERS processes (auto: one per core), each
# test module kept whole on one worker (--dist loadfile) so its module-scoped scene is built
# once. PYTEST_WORKERS=0 runs it in this one process (serially). Two passes: the ordinary tests,
# then those that flush the database (transactional, browser), so no worker runs an ordinary
# test on a flushed database (opsbook/conftest.py, --db-tests).
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile
# Python 3.12 as .python-version says: pyenv's if present, else one on PATH.
PYTHON312 := $(shell (pyenv which python3.12 2>/dev/null || command -v python3.12) | head -n 1)
APT_PACKAGES := chromium fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
VENDOR_MAPS := opsbook/static/vendor/bootstrap/bootstrap.min.css.map \
	opsbook/static/vendor/bootstrap/bootstrap.bundle.min.js.map
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PROD_ENV := OPSBOOK_ENV=production ALLOWED_HOSTS=opsbook.example.com \
	SECRET_KEY=check-deploy-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ

.PHONY: help setup run test prodcheck test-sqlite test-postgres test-browser fuzz lint format check bench \
	messages demo clean lock

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk -F':.*?## ' '{printf "  %-15s %s\n", $$1, $$2}'

# --- setup (idempotent: every step is skipped when already done) -----------------------------
setup: $(VENV)/.installed var/.apt opsbook/static/vendor/.built $(VENDOR_MAPS) opsbook/locale/.compiled var/fonts/.cut ## Install everything (Python, npm assets, Debian packages)

$(VENV)/.installed: pyproject.toml requirements.lock
	@if [ -z "$(PYTHON312)" ]; then echo "Python 3.12 is required (pyenv install 3.12, or python3.12 on PATH)."; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $@

var/.apt:
	@mkdir -p var
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@touch $@

opsbook/static/vendor/.built: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf opsbook/static/vendor && mkdir -p opsbook/static/vendor/htmx opsbook/static/vendor/bootstrap opsbook/static/vendor/echarts
	cp node_modules/echarts/dist/echarts.min.js opsbook/static/vendor/echarts/
	cp node_modules/htmx.org/dist/htmx.min.js opsbook/static/vendor/htmx/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css opsbook/static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js opsbook/static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css.map opsbook/static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map opsbook/static/vendor/bootstrap/
	@touch $@

# The minified files name their source maps, so collectstatic's manifest needs them too. (A
# checkout vendored before the maps were copied gets them here without a new `npm ci`.)
opsbook/static/vendor/bootstrap/%.css.map: | opsbook/static/vendor/.built
	cp node_modules/bootstrap/dist/css/$*.css.map $@
opsbook/static/vendor/bootstrap/%.js.map: | opsbook/static/vendor/.built
	cp node_modules/bootstrap/dist/js/$*.js.map $@

opsbook/locale/.compiled: $(VENV)/.installed var/.apt $(wildcard opsbook/locale/*/LC_MESSAGES/django.po)
	$(OPSBOOK) compilemessages --verbosity 0 --ignore=.venv --ignore=node_modules --ignore=var
	@touch $@

# Cut-down CJK fonts for PDF reports (a PDF then loads ~4 MB a face instead of ~25 MB); made
# again when the installed fonts change. See opsbook/reports/export/fonts.py.
var/fonts/.cut: $(VENV)/.installed var/.apt $(wildcard /usr/share/fonts/opentype/noto/*.ttc)
	$(OPSBOOK) report fonts
	@touch $@

requirements.lock:
	@echo "requirements.lock is missing: run 'make lock' to create it"; exit 1

lock: ## Re-pin Python dependencies into requirements.lock
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

# --- run ------------------------------------------------------------------------------------
run: setup ## Serve the demo at http://127.0.0.1:$(PORT) with a task worker and the scheduler
	$(OPSBOOK) migrate --noinput --verbosity 0
	$(OPSBOOK) demo --if-empty
	@echo
	@echo "  Opsbook is at http://127.0.0.1:$(PORT)/"
	@echo "  Demo login: manager / opsbook-demo (also admin, alice, bob, carol; customer portal: chenjing; same password)"
	@echo "  Background: one task worker and the scheduler; Ctrl-C stops everything"
	@echo "  Error pages as in production; DEBUG=1 make run shows Django's debug pages"
	@echo
	$(OPSBOOK) serve 127.0.0.1:$(PORT)

demo: setup ## Load the demo data into the SQLite database (once)
	$(OPSBOOK) migrate --noinput --verbosity 0
	$(OPSBOOK) demo --if-empty

# --- quality --------------------------------------------------------------------------------
test: setup lint check prodcheck test-sqlite test-postgres fuzz ## Everything CI runs: lint (ruff, mypy, layers), checks, the production install, suite on SQLite and PostgreSQL (each in parallel), the API fuzz run

lint: setup ## ruff lint and format check, mypy, and the layer contract (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache --no-logo

format: setup ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: setup ## Migration check and `check --deploy` under production settings
	$(OPSBOOK) makemigrations --check --dry-run
	$(PROD_ENV) $(OPSBOOK) check --deploy --fail-level WARNING

prodcheck: setup ## The production install end to end on a new PostgreSQL database (bin/prodcheck)
	@pg_isready -q -h 127.0.0.1 -p 5432 || $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	$(PY) bin/prodcheck --pg $(PG_URL)

test-sqlite: setup ## The suite on SQLite, in parallel (PYTEST_WORKERS=auto; lists the slowest tests)
	$(BIN)/pytest $(PYTEST_PARALLEL) $(DURATIONS) --db-tests=plain
	$(BIN)/pytest $(PYTEST_PARALLEL) $(DURATIONS) --db-tests=transactional

test-postgres: setup ## The suite on PostgreSQL, in parallel (127.0.0.1:5432, started if down; lists the slowest tests)
	@pg_isready -q -h 127.0.0.1 -p 5432 || $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_PARALLEL) $(DURATIONS) --db-tests=plain
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_PARALLEL) $(DURATIONS) --db-tests=transactional

fuzz: setup ## schemathesis against a live server, as a manager and as a customer (bounded, fixed seed)
	$(PY) -m fuzz

test-browser: setup ## Only the browser tests (Playwright + Debian Chromium), in parallel
	$(BIN)/pytest $(PYTEST_PARALLEL) -m browser

bench: setup ## Benchmarks; prints JSON
	@$(PY) -m bench

messages: setup ## Refresh translation catalogues after changing UI strings
	cd opsbook && ../$(OPSBOOK) makemessages -l zh_Hans --no-obsolete --add-location=file --ignore='static/*'

clean: ## Remove the virtualenv, assets and local data
	rm -rf $(VENV) node_modules opsbook/static/vendor var
