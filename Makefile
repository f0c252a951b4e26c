# The single entry point. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY := .venv/bin/python
# Some shells (this project's CI among them) export PYTHONDONTWRITEBYTECODE=1: then every process
# (each pytest worker, each service a crash test starts) compiles every module again, about 2 s
# of CPU each. Bytecode caches live in the git-ignored __pycache__ folders.
unexport PYTHONDONTWRITEBYTECODE
SYNC_STAMP := .venv/.synced
PYTEST_ARGS ?=
# pytest-xdist workers for the parallel part (this machine, CI's and the developers' have 2
# cores); 0 runs the whole suite in one process.
PYTEST_WORKERS ?= 2
BENCH_ARGS ?=
# make mutate: MUTATE_ARGS="--only cases/rules.py" for one module; workers share the 2 cores.
MUTATE_ARGS ?=
MUTATE_WORKERS ?= 2

ROLE ?=
SUB ?=
TEAMS ?=
TTL ?= 3600

.PHONY: help install run test lint fmt typecheck pytest mutate bench bench-quick bench-events token walkthrough clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	@echo "==> Installing uv $(UV_VERSION) into $(TOOLS)/"
	@python3 -m venv $(TOOLS) || { echo "python3 -m venv failed: install Python 3.11+ with venv (Debian: apt-get install python3-venv)"; exit 1; }
	@$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(SYNC_STAMP): $(UV) uv.lock pyproject.toml shared/pyproject.toml tools/pyproject.toml $(wildcard services/*/pyproject.toml)
	@echo "==> Installing the workspace (uv sync --frozen)"
	@$(UV) sync --frozen --quiet
	@touch $(SYNC_STAMP)

install: $(SYNC_STAMP) ## Create .venv and install the pinned workspace

run: install ## Start PostgreSQL (DATABASE_URL or embedded) and the four services; Ctrl-C stops all
	@$(PY) -m casework_dev.run

lint: install ## ruff lint and format check; import rules of docs/architecture.md (import-linter)
	@echo "==> ruff"
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@echo "==> import rules (lint-imports)"
	@.venv/bin/lint-imports --no-cache --no-logo

fmt: install ## Format and autofix with ruff
	@.venv/bin/ruff format .
	@.venv/bin/ruff check --fix .

typecheck: install ## mypy --strict
	@echo "==> mypy (strict)"
	@.venv/bin/mypy shared/src tools/src services/*/*_api tests

# Two runs, both with PYTEST_ARGS: the tests that start real processes (slow, crash, tests/e2e,
# tests/crash) wait for the parallel part and then run alone, so nothing else runs beside them.
pytest: install ## Every test: in parallel on PYTEST_WORKERS, then the real-process tests alone
ifeq ($(PYTEST_WORKERS),0)
	@echo "==> pytest"
	@$(PY) -m casework_dev.testenv -- $(PY) -m pytest $(PYTEST_ARGS)
else
	@echo "==> pytest: in parallel ($(PYTEST_WORKERS) workers)"
	@rc=0; \
	$(PY) -m casework_dev.testenv -- $(PY) -m pytest -n $(PYTEST_WORKERS) --suite-part=parallel \
		$(PYTEST_ARGS) || rc=$$?; \
	echo "==> pytest: the tests that start real processes, one at a time"; \
	$(PY) -m casework_dev.testenv -- $(PY) -m pytest --suite-part=serial $(PYTEST_ARGS) || rc=$$?; \
	exit $$rc
endif

test: lint typecheck pytest ## Lint, type-check and run every test against real PostgreSQL

mutate: install ## Mutation score of every pure rule module, with its database-free tests (not CI)
	@MUTATE_WORKERS=$(MUTATE_WORKERS) $(PY) -m casework_dev.mutate $(MUTATE_ARGS)

bench: install ## Benchmark intake-api vs a raw asyncpg baseline (1M cases), the allocation queue (100k waiting), events (~15 min)
	@$(PY) -m casework_dev.bench $(BENCH_ARGS)

bench-quick: install ## The same benchmark, smoke-sized (100k cases, 20k waiting, short runs; about 2 min)
	@$(PY) -m casework_dev.bench --quick $(BENCH_ARGS)

bench-events: install ## Event backbone benchmark: latency, 100k backlog drain (BENCH_ARGS=--quick)
	@$(PY) -m casework_dev.bench_events $(BENCH_ARGS)

token: install ## Print a dev bearer token: make token ROLE=intake_caseworker [SUB=...] [TEAMS=...] [TTL=3600]
	@if [ -z "$(ROLE)" ]; then echo "usage: make token ROLE=<role> [SUB=<subject>] [TTL=<seconds>]"; exit 2; fi
	@$(PY) -m casework_dev.mint_token --role "$(ROLE)" $(if $(SUB),--sub "$(SUB)") $(if $(TEAMS),--teams "$(TEAMS)") --ttl "$(TTL)"

walkthrough: install ## Drive the four services (make run must be going) through the README walk-through
	@$(PY) -m casework_dev.walkthrough

clean: ## Remove the virtualenvs and caches (keeps .data and .local)
	rm -rf .venv $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
