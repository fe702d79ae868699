# Two commands for a new user: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)/backend
# pip on some machines warns about missing local indexes; keep the output readable.
QUIET_PIP := grep -v '^WARNING: Location' || true

ADMIN_SOURCES := $(shell find admin/src admin/public admin/index.html admin/package.json admin/package-lock.json \
                   admin/vite.config.* -type f 2>/dev/null)

.PHONY: run test bench soak audit clean venv admin screenshots

$(STAMP): requirements.txt
	@command -v python3 >/dev/null || { echo "python3 (3.11+) is required"; exit 1; }
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "installing Python packages into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt 2>&1 | { $(QUIET_PIP); }
	@touch $(STAMP)

venv: $(STAMP)

# The admin web app is built when it is missing or older than its sources.
admin/dist/index.html: $(ADMIN_SOURCES)
	@if [ ! -f admin/package.json ]; then exit 0; fi; \
	if ! command -v npm >/dev/null; then echo "npm not found: the admin web app is not built"; exit 0; fi; \
	echo "building the admin web app ..."; \
	cd admin && { test -d node_modules || npm ci --no-audit --no-fund --loglevel=error; } && npm run build --silent

admin: admin/dist/index.html

## run: the whole system (API, worker, cron, WeChat sandbox, admin, embedded SQLite + Redis, demo data)
run: $(STAMP) admin
	@$(PY) -m shop.launcher

## test: every test (front ends, then Python on SQLite and PostgreSQL with real Redis and workers)
test: $(STAMP)
	@$(PY) tests/run_all.py

## bench: speed figures (a million orders in PostgreSQL, refunds per second, a 10,000-order recall)
bench: $(STAMP)
	@$(PY) bench/orders.py && $(PY) bench/refunds.py && $(PY) bench/recall.py

## soak: shoppers and staff for SOAK_MINUTES (default 10) while workers, Redis and PostgreSQL are killed and
## WeChat fails; then money and stock are checked (duplicates 0, losses 0)
soak: $(STAMP)
	@$(PY) scripts/soak.py --minutes $${SOAK_MINUTES:-10}

## audit: the pinned Python and npm dependencies against a vulnerability database (says so when unreachable)
audit: $(STAMP)
	@$(PY) scripts/audit.py

## screenshots: pictures of the mini-program's main pages with fixture data (jest harness + Chromium) in docs/screenshots/miniprogram
screenshots:
	@cd miniprogram && { test -d node_modules || npm ci --no-audit --no-fund --loglevel=error; } && npm run screenshots --silent

clean:
	rm -rf var .pytest_cache admin/dist
