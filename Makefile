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

.PHONY: run test lint format bench page-weight fuzz soak lock sbom audit vendor clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# The runtime comes from requirements.lock (every package pinned, with its hashes):
# requirements.txt is the human list, `make lock` turns it into the lock file.
# pip checks hashes all-or-nothing per call (a constraint with a hash switches it on
# too), so the dev tools (no hashes) are a second call, constrained to the locked
# versions without their hashes so that they cannot move a runtime pin.
$(VENV)/.run-installed: requirements.lock | $(PY)
	$(PIP) install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements.lock requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet --require-hashes -r requirements.lock
	sed -n 's/^\([A-Za-z0-9][^ ]*==[^ ]*\).*/\1/p' requirements.lock > $(VENV)/locked-versions.txt
	$(PIP) install --quiet -r requirements-dev.txt -c $(VENV)/locked-versions.txt
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

## make page-weight: bytes of each page's first and later load in Chromium (production settings); writes docs/benchmarks.md.
page-weight: $(VENV)/.dev-installed
	$(PY) -m bench.page_weight

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

LOCK_ARGS ?=
## make lock: pin requirements.txt, with hashes, into requirements.lock (keeps existing pins; LOCK_ARGS=--upgrade moves them).
lock: $(VENV)/.dev-installed
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock $(LOCK_ARGS) requirements.txt

SBOM ?= var/sbom.cdx.json
## make sbom: a CycloneDX (JSON) SBOM of the runtime requirements as locked, with their hashes, in $(SBOM).
sbom: $(VENV)/.dev-installed
	@mkdir -p $(dir $(SBOM))
	$(VENV)/bin/cyclonedx-py requirements --output-reproducible --of JSON -o $(SBOM) requirements.lock
	@echo "SBOM written to $(SBOM)"

AUDIT_ARGS ?=
## make audit: pip-audit of requirements.lock; exit 0 clean, 1 vulnerabilities, 3 advisory source unreachable (tools/audit.py).
audit: $(VENV)/.dev-installed
	$(PY) tools/audit.py $(AUDIT_ARGS)

KERN_VERSION ?= 2.7.2
HTMX_VERSION ?= 2.0.11
VENDOR := templates/static/vendor
## make vendor: refresh the committed KERN UX CSS, its Fira Sans weights (subset as "Portal Sans") and htmx from npm (needs node and pip; make run and make test do not).
vendor:
	rm -rf var/npm && mkdir -p var/npm
	npm install --silent --no-save --ignore-scripts --prefix var/npm @kern-ux/native@$(KERN_VERSION) htmx.org@$(HTMX_VERSION)
	mkdir -p $(VENDOR)/kern/fonts $(VENDOR)/htmx && rm -f $(VENDOR)/kern/fonts/*.woff2  # LICENSE-fonts.md stays
	cp var/npm/node_modules/@kern-ux/native/dist/kern.min.css var/npm/node_modules/@kern-ux/native/LICENSE.md $(VENDOR)/kern/
	# Fira Sans subset to de/en/uk and renamed (Reserved Font Name "Fira"): tools/font_subset.py,
	# with fonttools and brotli in a throwaway virtualenv (never in .venv).
	test -x var/fontvenv/bin/python || ($(PYTHON) -m venv var/fontvenv && var/fontvenv/bin/pip install --quiet fonttools brotli)
	var/fontvenv/bin/python tools/font_subset.py var/npm/node_modules/@kern-ux/native/dist/fonts/fira-sans/FiraSans-Regular.woff2 \
	   $(VENDOR)/kern/fonts/PortalSans-Regular.woff2 "Portal Sans" Regular
	var/fontvenv/bin/python tools/font_subset.py var/npm/node_modules/@kern-ux/native/dist/fonts/fira-sans/FiraSans-SemiBold.woff2 \
	   $(VENDOR)/kern/fonts/PortalSans-SemiBold.woff2 "Portal Sans" SemiBold
	cp var/npm/node_modules/htmx.org/dist/htmx.min.js var/npm/node_modules/htmx.org/LICENSE $(VENDOR)/htmx/
	printf '@kern-ux/native %s (EUPL-1.2), from npm by make vendor\nPortal Sans Regular and SemiBold: Fira Sans subset and renamed by tools/font_subset.py, SIL Open Font License 1.1 (LICENSE-fonts.md)\n' $(KERN_VERSION) > $(VENDOR)/kern/VERSION
	printf 'htmx.org %s (BSD-0-Clause), from npm by make vendor\n' $(HTMX_VERSION) > $(VENDOR)/htmx/VERSION

clean:
	rm -rf $(VENV) var staticfiles db.sqlite3*
