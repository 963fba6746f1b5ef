# policy-assistant: `make run` serves the chat and API, `make test` runs the tests and the eval.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint ingest eval clean office chromium postgresql

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed office
	$(BIN)/policy-assistant serve --host $(HOST) --port $(PORT)

# Debian packages, installed when missing if we are root with apt-get (else the tests that need them skip and
# say so): LibreOffice converts .doc/.wps/.xls/.et lists; Chromium drives the chat test; PostgreSQL's server
# binaries (initdb, pg_ctl) run the state store's tests against a real PostgreSQL.
APT_INSTALL := apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y
CAN_APT := command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]
office:
	@if [ ! -e /usr/bin/soffice ] && $(CAN_APT); then \
		$(APT_INSTALL) libreoffice-writer-nogui libreoffice-calc-nogui; \
	fi

chromium:
	@if [ ! -e /usr/bin/chromium ] && $(CAN_APT); then \
		$(APT_INSTALL) chromium chromium-driver fonts-noto-cjk; \
	fi

postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && $(CAN_APT); then \
		$(APT_INSTALL) postgresql; \
	fi

test: $(VENV)/.installed-test office chromium postgresql
	$(BIN)/python -m pytest
	ASSISTANT_DATA_DIR=$$(mktemp -d) $(BIN)/policy-assistant eval

lint: $(VENV)/.installed-test
	$(BIN)/ruff check assistant ingest ui evals state tests
	$(BIN)/mypy assistant ingest ui evals state
	$(BIN)/lint-imports

ingest: $(VENV)/.installed
	$(BIN)/policy-assistant ingest

eval: $(VENV)/.installed
	$(BIN)/policy-assistant eval

clean:
	rm -rf .assistant
