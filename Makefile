# Puente: `make run` serves the assistant, `make test` runs the whole suite. Both build
# whatever is missing first (runtimes, schema, ESCO tables, indexes, the Rasa model).
VENV := .venv/bin
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false
# `make run`, `make test` and `make bench` are development: secrets unset in the environment are
# generated once under var/. A deployment sets PUENTE_ENVIRONMENT=production and real secrets
# (docs/operations.md); unset, every serving process refuses to start.
export PUENTE_ENVIRONMENT ?= development

.PHONY: setup run test lint format bench clean-build

setup:
	scripts/bootstrap.sh
	$(VENV)/assistant setup

run: setup
	$(VENV)/assistant run

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/lint-imports

format:
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

test: setup lint
	scripts/ensure_browser.sh
	$(VENV)/pytest

bench: setup
	$(VENV)/assistant bench

clean-build:
	rm -rf catalogue_index/build var/bench
