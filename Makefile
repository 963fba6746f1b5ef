# policy-assistant: `make run` serves the chat and API, `make test` runs the tests and the eval.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint ingest eval clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/policy-assistant serve --host $(HOST) --port $(PORT)

# The chat test drives Debian's Chromium: install it when missing, if we are root with apt-get; else skip quietly.
chromium:
	@if [ ! -e /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver fonts-noto-cjk; \
	fi

test: $(VENV)/.installed-test chromium
	$(BIN)/python -m pytest
	ASSISTANT_DATA_DIR=$$(mktemp -d) $(BIN)/policy-assistant eval

lint: $(VENV)/.installed-test
	$(BIN)/ruff check assistant ingest ui evals tests
	$(BIN)/mypy assistant ingest ui evals
	$(BIN)/lint-imports

ingest: $(VENV)/.installed
	$(BIN)/policy-assistant ingest

eval: $(VENV)/.installed
	$(BIN)/policy-assistant eval

clean:
	rm -rf .assistant
