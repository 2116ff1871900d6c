# Beatline: `make run` serves the platform, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format chromium

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

# Chart.js and its zoom/annotation plugins, pinned in package-lock.json, served from static/vendor/.
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	mkdir -p static/vendor
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/hammerjs/hammer.min.js \
		node_modules/chartjs-plugin-zoom/dist/chartjs-plugin-zoom.min.js \
		node_modules/chartjs-plugin-annotation/dist/chartjs-plugin-annotation.min.js static/vendor/
	touch $@

install: $(VENV)/.installed static/vendor/.installed

# The browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

run: install
	$(PY) manage.py migrate --noinput
	@$(PY) manage.py demo_account
	@echo "Beatline: open http://$(HOST):$(PORT)/ (Ctrl-C stops the web server, the workers and the recovery loop)"
	@export SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}; \
	$(VENV)/bin/celery -A ecgsite worker -Q celery --loglevel=INFO --concurrency=2 & worker=$$!; \
	$(VENV)/bin/celery -A ecgsite worker -Q webhooks -n webhooks@%h --loglevel=INFO --concurrency=2 & hooks=$$!; \
	$(PY) manage.py recover_analyses --loop 60 & recover=$$!; \
	trap 'kill $$worker $$hooks $$recover 2>/dev/null; wait $$worker $$hooks 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver $(HOST):$(PORT)

# The suite gets its own var/ (SQLite file, media, filesystem broker), away from a running `make run`.
test: install lint chromium
	BEATLINE_VAR_DIR=$$(mktemp -d) $(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
