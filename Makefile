# Camino: `make run` runs the assistant, `make test` runs the whole suite. Both set up what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.camino-installed
CAMINO   := $(BIN)/camino
NPM_STAMP := node_modules/.camino-installed
WIDGET   := bot/web/vendor/webchat.js

.PHONY: help venv assets browser nginx kb train run up up-cluster down shell lint test test-fast validate lock eval-nlu eval-heldout eval-offline bench clean

help:
	@echo "make run          - set up, build the knowledge store, train if needed, serve (Ctrl-C stops)"
	@echo "make test         - set up, lint, then run the whole test suite (CI runs exactly this: .ci/run)"
	@echo "make test-fast    - the suite without the end-to-end tests (no model needed)"
	@echo "make lint         - ruff (lint and format check) and mypy"
	@echo "make up / down    - start in the background (returns when it answers) / stop what up started"
	@echo "make up-cluster   - production profile: 2 Rasa replicas behind nginx (REPLICAS=n), returns when it answers"
	@echo "make shell        - talk to the bot in the terminal (servers started by make up)"
	@echo "make validate     - check the knowledge files and the Rasa training data"
	@echo "make kb           - validate the knowledge files and build the knowledge store"
	@echo "make train        - train the model if its inputs changed"
	@echo "make venv         - create .venv from requirements.lock (every other target does it when needed)"
	@echo "make assets       - install the chat widget (npm ci) and copy it into bot/web/vendor/"
	@echo "make browser      - install Chromium and chromedriver for the browser tests (root with apt), if missing"
	@echo "make nginx        - install nginx for up-cluster and the cluster tests (root with apt), if missing"
	@echo "make lock         - regenerate requirements.lock from requirements.in"
	@echo "make eval-nlu     - NLU cross-validation (figures printed)"
	@echo "make eval-heldout - held-out questions against the running assistant (figures printed)"
	@echo "make eval-offline - held-out topic and reply-language accuracy from the model alone (no servers)"
	@echo "make bench        - throughput, latency, memory and cold start against a stock rasa init bot"
	@echo "make clean        - remove local state, models and Rasa's caches"

# The venv is rebuilt whenever the lock or the package metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@py=$$(scripts/find-python310) || exit 1; \
	  if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	    rm -rf $(VENV) && echo "creating $(VENV) with $$py" && "$$py" -m venv $(VENV) || exit 1; \
	  fi
	$(BIN)/python -m pip install --quiet --upgrade "pip==24.2"
	set -o pipefail; $(BIN)/python -m pip install --quiet --no-deps -r requirements.lock 2>&1 \
	  | { grep -v "is ignored: it is neither" || true; }
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $(STAMP)

venv: $(STAMP)

# The chat widget: installed from the npm registry (package-lock.json), its prebuilt bundle copied into
# bot/web/vendor/ (git-ignored) only when missing or older than the install.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 18 or newer) is needed to install the chat widget"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

$(WIDGET): $(NPM_STAMP) bot/web/build.py | $(STAMP)
	$(BIN)/python -m bot.web.build

assets: $(WIDGET)

# The browser tests drive the system Chromium; install it when missing (root with apt), else they skip.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium and chromium-driver for the browser tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } \
	    || echo "could not install chromium: the browser tests will be skipped"; \
	else echo "chromium/chromedriver missing (apt-get install chromium chromium-driver): browser tests will skip"; fi

# up-cluster and the cluster tests put the Rasa replicas behind nginx; install it when missing (root with apt).
nginx:
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing nginx for up-cluster and the cluster tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; } \
	    || echo "could not install nginx: the cluster tests will be skipped"; \
	else echo "nginx missing (apt-get install nginx): up-cluster will refuse, the cluster tests will skip"; fi

kb: $(STAMP)
	$(CAMINO) kb build

train: $(STAMP)
	$(CAMINO) train

run: $(STAMP) $(WIDGET)
	$(CAMINO) run

up: $(STAMP) $(WIDGET)
	$(CAMINO) up

REPLICAS ?= 2
up-cluster: $(STAMP) $(WIDGET) nginx
	CAMINO_PROFILE=production $(CAMINO) up-cluster --replicas $(REPLICAS)

down:
	@if [ -x $(CAMINO) ]; then $(CAMINO) down; else echo "nothing to stop (no venv)"; fi

shell: $(STAMP)
	$(CAMINO) shell

validate: $(STAMP)
	$(CAMINO) kb validate
	$(BIN)/rasa data validate --fail-on-warnings

# Lint and types (configured in pyproject.toml): zero findings, before any test runs.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint $(WIDGET) browser nginx
	$(BIN)/python -m pytest -p no:cacheprovider --durations=15 $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -m "not e2e" $(PYTEST_ARGS)

# Regenerate the lock: a clean 3.10 venv, the direct requirements, then every installed version pinned.
lock:
	@py=$$(scripts/find-python310) || exit 1; tmp=$$(mktemp -d); \
	  "$$py" -m venv $$tmp/venv && $$tmp/venv/bin/pip install --quiet -r requirements.in && \
	  $$tmp/venv/bin/pip freeze --all --exclude-editable | grep -v "^pip==" > requirements.lock && rm -rf $$tmp && \
	  echo "requirements.lock regenerated ($$(wc -l < requirements.lock) packages)"

# Issue-4 measurements (figures printed; see the notes on the issue).
eval-nlu: $(STAMP)
	$(BIN)/python bench/nlu_crossval.py --folds 3

eval-heldout: $(STAMP)
	$(CAMINO) up
	$(BIN)/python bench/eval_heldout.py; status=$$?; $(CAMINO) down; exit $$status

# Single-threaded: the figures are meant for a small shared machine (see bench/throughput.py).
BENCH_ENV := OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1

eval-offline: $(STAMP)
	$(CAMINO) train
	$(BENCH_ENV) $(BIN)/python bench/eval_offline.py

bench: $(STAMP)
	$(CAMINO) kb build
	$(CAMINO) train
	$(BENCH_ENV) $(BIN)/python bench/throughput.py

clean:
	rm -rf .camino models .rasa results
