# One command runs the portal with demo data (make run), one runs the tests (make test).
# Works on a fresh Debian/Ubuntu machine with Python 3.11: it creates .venv, installs the pinned
# dependencies and, where it may (root or sudo), the system libraries WeasyPrint and the tests need.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] && echo "" || (command -v sudo >/dev/null && echo "sudo -n"))
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext
TEST_DEBS := $(RUN_DEBS) chromium fonts-dejavu-core poppler-utils

.PHONY: run test setup sysdeps sysdeps-test db demo static lint bench clean-data help messages compilemessages

help:
	@echo "make run    - set everything up and serve the portal with demo data on 127.0.0.1:$(PORT)"
	@echo "make test   - set everything up and run the whole test suite"
	@echo "make bench  - run the benchmarks (bench/RESULTS.md)"
	@echo "make lint   - ruff and the migrations check"

$(PY):
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing python3-venv"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q ".[dev]"
	@touch $@

setup: $(VENV)/.installed

# System libraries: installed when missing and when we may (root or passwordless sudo); otherwise we say
# which are missing and carry on (PDF rendering needs them; the rest of the portal does not).
define install_debs
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	  else echo "WARNING: please install these system packages:$$missing"; fi; \
	fi
endef

sysdeps:
	$(call install_debs,$(RUN_DEBS))

sysdeps-test:
	$(call install_debs,$(TEST_DEBS))

db: setup
	$(PY) manage.py migrate --noinput -v 0

demo: db
	$(PY) manage.py seed_demo
	$(PY) manage.py rebuild_rollups

static: setup
	$(PY) manage.py collectstatic --noinput -v 0

run: setup sysdeps demo static
	$(PY) manage.py serve --port $(PORT)

test: setup sysdeps-test
	$(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

bench: setup
	$(call install_debs,wrk)
	$(PY) bench/run.py $(BENCH)

clean-data:
	rm -rf .data staticfiles

# Refresh the Persian catalog from the source, then translate the new entries and compile.
messages: setup
	$(PY) manage.py makemessages -l fa --ignore=.venv --ignore=staticfiles --ignore=static --ignore=bench \
	  --ignore=.data --ignore=build --ignore=test-artifacts --ignore=node_modules --ignore='*.egg-info'
	@echo "Translate the new or fuzzy entries in locale/fa/LC_MESSAGES/django.po, then: make compilemessages"

compilemessages: setup
	$(PY) manage.py compilemessages -l fa --ignore=.venv

# Recording 20,000 cash contributions through the service (bench/contributions_bench.py; results appended to
# bench/contributions_results.md, shown in bench/RESULTS.md): one at a time (the trustee's form, ~10 minutes),
# then in batches of 1,000 (imports, boxes, bank statements). BENCH_ARGS="-n 2000 --profile" for a quick look.
.PHONY: bench-contributions
bench-contributions: setup
	$(PY) bench/contributions_bench.py --label "one by one (the trustee's quick form)" $(BENCH_ARGS)
	$(PY) bench/contributions_bench.py --batch 1000 --label "batch path, batches of 1,000" $(BENCH_ARGS)

# The prioritised households list of a center with 5,000 households (bench/beneficiaries_bench.py; results in
# bench/results.json and bench/RESULTS.md). BENCH_ARGS="-n 500 --no-record --profile" for a quick look.
.PHONY: bench-beneficiaries
bench-beneficiaries: setup
	$(PY) bench/beneficiaries_bench.py $(BENCH_ARGS)
