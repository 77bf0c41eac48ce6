# Attune — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test bench mutate lint format check-content postgres clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

## make run: the Telegram bot with TELEGRAM_BOT_TOKEN set, the terminal chat without it
run: $(STAMP)
	$(BIN)/python -m bot auto

## make test: lint, validate dialogs and Dockerfile, then the whole test suite in TEST_WORKERS
## processes (pytest-xdist; each has its own PostgreSQL). `make test TEST_WORKERS=0` runs it
## serially, as does a plain `pytest`. The 25 slowest steps are listed at the end.
TEST_WORKERS ?= 2
test: $(STAMP) postgres lint check-content
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=25

## make bench: every benchmark; `make bench BENCH=load BENCH_QUICK=1` for the load part in minutes
bench: $(STAMP)
	$(BIN)/python -m tests.bench $(BENCH)

## make mutate: mutation testing of the modules where a mistake hurts people (slow; not in `make test`);
## `make mutate MUTATE="logs linking"` for some of them, MUTATE_CHILDREN=2 for two at once
mutate: $(STAMP)
	nice -n 19 $(BIN)/python -m tests.mutate $(MUTATE)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-content: $(STAMP)
	$(BIN)/python -m bot check-content

## The storage tests start a throwaway PostgreSQL 15; install it if this machine lacks it.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then \
		echo "PostgreSQL not found: installing it for the storage tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mutate
