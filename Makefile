# A newcomer needs two targets: `make demo` and `make test` (README.md). The rest are for working on the code.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: demo test lint fmt migrations-check browser-deps vendor bench clean

# Re-install only when a pinned requirements file changed since the last install (the stamp is older).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	@echo "==> Installing the pinned requirements into $(VENV)"
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	@echo "==> Installing the pinned requirements and the test tools into $(VENV)"
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

## The portal on http://127.0.0.1:$(PORT) with a worker and beat, on SQLite and the filesystem broker.
demo: $(VENV)/.installed-runtime
	bash scripts/demo.sh

## Everything CI runs: on SQLite by default, on PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set.
## One test process per core, at most TEST_PROCESSES (each has its own database and Redis database:
## portal/test_settings.py); `make test TEST_PROCESSES=1` runs them in this one.
TEST_PROCESSES ?= 4
test: lint migrations-check
	$(BIN)/pytest $(if $(filter 1,$(TEST_PROCESSES)),,--numprocesses=auto --maxprocesses=$(TEST_PROCESSES))

## The browser suite's chromium and CJK fonts (Debian; as root, or with sudo). Without them tests/browser skips,
## except on CI, where .ci/run installs them.
browser-deps:
	@if [ -x /usr/bin/chromium ] && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		echo "==> chromium and fonts-noto-cjk are installed"; \
	else \
		echo "==> Installing chromium and fonts-noto-cjk"; \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -q; \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -q chromium fonts-noto-cjk; \
	fi

## ruff, as CI runs it; `make fmt` fixes what it can.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Django's system checks, and no model change without its migration.
migrations-check: $(VENV)/.installed-dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

## Re-vendor Bootstrap, Chart.js and HTMX from the npm registry (only to change a pinned version).
vendor:
	bash scripts/vendor-static.sh

## The benchmarks on PostgreSQL, each on its own database (bench/README.md); ARGS="..." go to the seeding one.
bench: $(VENV)/.installed-runtime
	$(BIN)/python bench/seed_demo.py $(ARGS)
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/queue_page.py

## Start over: the demo database, broker files, collected static files and caches go; .venv stays.
clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
