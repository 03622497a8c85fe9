# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and pages (PUBLIC_BASE_URL) follow HOST and PORT under make run, unless given.
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
RUN_ENV = DEBUG=true PUBLIC_BASE_URL=$(PUBLIC_BASE_URL)
PYTEST_ARGS ?=

.PHONY: run test lint format bench fuzz soak clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.run-installed $@

## make run: install, migrate, load demo data, serve HTTP + WebSocket on 127.0.0.1:8000 (daphne) with a task worker.
run: $(VENV)/.run-installed
	@mkdir -p var
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	@$(RUN_ENV) $(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/v1/docs/)"
	@$(RUN_ENV) $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(VENV)/bin/daphne -b $(HOST) -p $(PORT) portal.asgi:application

## make test: install runtime and dev requirements, check migrations, run the whole suite.
test: $(VENV)/.dev-installed
	@mkdir -p var
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

ONLY ?=
BENCH_ARGS ?=
## make bench: the benchmark suite (not part of make test); ONLY=slots runs one row and its floors; a full run writes docs/benchmarks.md.
bench: $(VENV)/.dev-installed
	$(PY) -m bench.run $(if $(ONLY),--only $(ONLY)) $(BENCH_ARGS)

FUZZ_EXAMPLES ?= 200
FUZZ_ARGS ?=
## make fuzz: a long schemathesis run (citizen, counsellor, staff with MFA; stateful links) and the structural layer (deep, huge, truncated, chunked bodies, wrong content types, invalid UTF-8, duplicate keys; anonymous too) against a portal on a database of its own; prints the number of requests and of 5xx answers.
fuzz: $(VENV)/.dev-installed
	$(PY) -m tests.security.fuzz --max-examples $(FUZZ_EXAMPLES) $(FUZZ_ARGS)

SOAK_MINUTES ?= 5
SOAK_RATE ?= 20
SOAK_ARGS ?=
## make soak: a mixed load (booking, applying, claiming and deciding, video signalling) for SOAK_MINUTES at SOAK_RATE requests/s on PostgreSQL and Redis of its own; p50/p99 per endpoint, then checks in the database: zero 5xx, nothing lost or duplicated.
soak: $(VENV)/.dev-installed
	$(PY) -m tests.security.soak --minutes $(SOAK_MINUTES) --rate $(SOAK_RATE) $(SOAK_ARGS)

clean:
	rm -rf $(VENV) var staticfiles db.sqlite3*
