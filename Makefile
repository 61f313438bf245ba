# Tumor-board coordination service. `make run` serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The suite's real services (127.0.0.1 defaults; override from the environment).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tumorboard
TEST_BROKER_URL ?= redis://127.0.0.1:6379/9

.PHONY: help run test lint format migrate demo worker beat check-deploy bench bench-world bench-scale bench-http clean chromium

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

run: venv ## create the venv, migrate, load the demo into an empty database and serve http://$(HOST):$(PORT)
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py load_demo --if-empty -v 0
	@$(PY) manage.py runserver $(HOST):$(PORT)

migrate: venv
	$(PY) manage.py migrate --noinput

demo: venv ## delete everything in the database and load the demo again
	@$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo --reset

# The Celery processes point links at the server make run serves, unless SITE_URL says otherwise.
worker: venv ## a Celery worker on CELERY_BROKER_URL
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/celery -A config worker --loglevel=INFO --concurrency=2

beat: venv ## the Celery beat scheduler on CELERY_BROKER_URL
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/celery -A config beat --loglevel=INFO

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

chromium: ## Debian's Chromium for the browser tests (tests/e2e), installed when missing
	@test -x /usr/bin/chromium || { echo "installing Chromium for the browser tests"; \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq --no-install-recommends chromium; }

test: venv chromium ## the whole suite on PostgreSQL and Redis, plus lint and the migrations check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
		$(PY) -m pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

check-deploy: venv ## Django's deployment checklist in the production configuration
	DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')} \
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-tumorboard.example.org} \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: venv
	@for f in bench/*.py; do echo "== $$f"; DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) $$f || exit 1; done

# The network-scale benches (issue 20) share a 100k-case world in a database of their own.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tumorboard_bench
export BENCH_DATABASE_URL

bench-world: venv ## a 100k-case world in BENCH_DATABASE_URL (dropped and made again; about a minute)
	$(PY) bench/scale/world.py

bench-scale: venv ## p50/p95 of the case list and detail, a member who sees 100k cases ÷ one who sees 1k
	$(PY) bench/scale/world.py --if-missing
	$(PY) bench/scale/visibility.py

bench-http: venv ## requests/s of a case's detail and the case list under gunicorn, as % of a bare Django hello, and their ceiling
	@command -v wrk >/dev/null || echo "wrk is missing (apt-get install wrk): a Python load generator stands in"
	$(PY) bench/scale/world.py --if-missing
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} $(PY) bench/scale/throughput.py --ceiling

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache .ruff_cache
