# Two commands for a new user: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)/backend

.PHONY: run test test-py test-pg test-sqlite bench clean venv

$(STAMP): requirements.txt
	@command -v python3 >/dev/null || { echo "python3 (3.11) is required"; exit 1; }
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

## run: the whole system (API, worker, cron, WeChat sandbox, admin, embedded SQLite + Redis, demo data)
run: $(STAMP)
	$(PY) -m shop.launcher

## test: every test (Python on SQLite and PostgreSQL, jobs with real Redis and workers)
test: $(STAMP)
	$(PY) tests/run_all.py

bench: $(STAMP)
	$(PY) -m tests.bench

clean:
	rm -rf var .pytest_cache
