# The documented entry points. Command 1: `make run`. Command 2: `make test`.
SHELL := /bin/bash
UV := $(shell scripts/ensure_uv.sh)
SERVICES := catalog accounts orders tasks

.PHONY: run setup sync test lint format check-deploy bench contract-check locales compile-locales

run: setup  ## Command 1: install, migrate, seed and start every service and background process
	@scripts/print_urls.sh
	$(UV) run honcho start -f Procfile

setup: sync  ## Install and prepare the embedded (SQLite) suite without starting it
	$(UV) run scripts/setup_local.sh

sync:
	$(UV) sync --frozen

test: sync  ## Command 2: bring up the servers this machine has, then every test suite (SUITES="catalog orders" for some)
	@eval "$$(scripts/start_test_infra.sh)" && $(UV) run python scripts/run_tests.py $(SUITES)

lint: sync
	$(UV) run ruff check .
	$(UV) run ruff format --check .

format: sync
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

locales: sync  ## Re-extract every msgid into the pt-BR catalogues (makemessages), then compile them
	$(UV) run scripts/update_locales.sh

compile-locales: sync  ## Compile the pt-BR catalogues (.po -> .mo)
	$(UV) run scripts/compile_locales.sh

contract-check:  ## With the suite running: check the shopper contract as a storefront would
	python3 ../shared/contract_check.py

check-deploy:  ## Every offline deployment check (tools installed into var/deploy-tools)
	scripts/check_deploy.sh

bench: sync  ## Benchmarks on PostgreSQL and the real brokers (bench/README.md); BENCH_ARGS="--quick" for a smoke run
	$(UV) run python bench/run.py $(BENCH_ARGS)
