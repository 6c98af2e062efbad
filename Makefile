# Hearth: `make run` serves the demo, `make test` runs every check. Nothing else is needed
# on a machine with Python 3.11, Node 20 with npm, and Debian's apt-get.

VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export PIP_DISABLE_PIP_VERSION_CHECK := 1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install assets lint typecheck pytest browser clean bench

## run: install, migrate, seed the Wessex demo area (with a finished past year of made-up
## incidents for the statistics), serve http://127.0.0.1:8000 with the
## delivery worker (the outbox's messages, to the console) and the deadline sweeper
## (every minute), the statistics' refresh from the ledger (every minute), and the
## directory's reminders to confirm entries (every hour), and the task worker (db_worker:
## the matcher links people recorded to other agencies' records of them)
run: install assets .env
	HEARTH_MODE=demo $(PY) manage.py migrate --noinput
	HEARTH_MODE=demo $(PY) manage.py seed_demo
	HEARTH_MODE=demo $(PY) manage.py generate_volume --incidents 1500 --history --only-if-none
	@echo "Hearth is starting at http://127.0.0.1:8000 (press Ctrl+C to stop)"
	@trap 'kill 0' INT TERM EXIT; \
	HEARTH_MODE=demo $(PY) manage.py deliver_messages --every 5 & \
	HEARTH_MODE=demo $(PY) manage.py sweep_obligations --every 60 & \
	HEARTH_MODE=demo $(PY) manage.py refresh_stats --every 60 & \
	HEARTH_MODE=demo $(PY) manage.py remind_directory --every 3600 & \
	HEARTH_MODE=demo $(PY) manage.py db_worker --interval 2 & \
	HEARTH_MODE=demo $(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:8000 --workers 2 \
		--access-logfile - & \
	wait

## test: install what the tests need (Chromium included) and run lint, types and the suite
test: install assets browser lint typecheck pytest

install: $(VENV)/.installed

$(VENV)/bin/uv:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements/bootstrap.txt

$(VENV)/.installed: requirements/dev.txt $(VENV)/bin/uv
	$(VENV)/bin/uv pip sync --quiet --python $(PY) --require-hashes requirements/dev.txt
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json
	npm run --silent build

# A random secret key for the demo, made once and kept out of git.
.env:
	$(PY) -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > $@

browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q chromium; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

typecheck: install
	HEARTH_MODE=test $(VENV)/bin/mypy

pytest: install assets browser
	HEARTH_MODE=test $(VENV)/bin/pytest

## bench: the benchmarks on PostgreSQL, printed as JSON (docs/operations.md#benchmarks).
## DATABASE_URL if set (its name must contain "bench": it is emptied), else hearth_bench
## on 127.0.0.1 (created if missing). Quick run: make bench BENCH_SIZES=2000
## Then the statistics pages beside DuckDB (manage.py stats_bench) at STATS_BENCH_SIZES
## incidents a year: 100,000 through the ledger, 1.5 M as facts written directly.
## Then the person matcher (manage.py matcher_bench, docs/matching.md): FEBRL4 beside the
## old rules, and lookups among MATCHER_BENCH_SIZES made-up people.
BENCH_SIZES ?= 10000,100000
BENCH_ARGS ?=
STATS_BENCH_SIZES ?= 100000,1500000
MATCHER_BENCH_SIZES ?= 100000,2000000
bench: install assets
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hearth_bench} \
	HEARTH_MODE=demo $(PY) manage.py bench --sizes $(BENCH_SIZES) $(BENCH_ARGS)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hearth_bench} \
	HEARTH_MODE=demo $(PY) manage.py stats_bench --sizes $(STATS_BENCH_SIZES)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hearth_bench} \
	HEARTH_MODE=demo $(PY) manage.py migrate --noinput
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hearth_bench} \
	HEARTH_MODE=demo $(PY) manage.py matcher_bench --sizes $(MATCHER_BENCH_SIZES)

clean:
	rm -rf $(VENV) node_modules staticfiles hearth/core/static/hearth .pytest_cache .mypy_cache
