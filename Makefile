# newsroom: `make build` to build the site, `make test` to run the tests.
# Needs only python3 (3.11+), make and git; everything else is installed into .venv/.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export PYTHONPATH := $(CURDIR)/hooks

.PHONY: build serve test lint check new import strip-photos bench clean

build: $(VENV)/.site-deps  ## Build the site into site/
	$(BIN)/mkdocs build --strict

serve: $(VENV)/.site-deps  ## Preview on http://127.0.0.1:8000 with live reload (drafts shown)
	$(BIN)/mkdocs serve --dirty

test: lint $(VENV)/.test-deps node_modules/.installed  ## Static checks, then every test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Zero findings allowed. ESLint comes from npm like the HTML checker: without npm it is skipped with
# a message, except where every check must run (NEWSROOM_REQUIRE_ALL_CHECKS, as in .ci/run).
PY_CODE   := hooks benchmarks tests
JS_CODE   := overrides/assets/javascripts/newsroom-search.js overrides/assets/javascripts/newsroom-release.js
lint: $(VENV)/.test-deps node_modules/.installed  ## Static checks: ruff (lint and format), mypy, ESLint
	$(BIN)/ruff check $(PY_CODE)
	$(BIN)/ruff format --check $(PY_CODE)
	$(BIN)/mypy
	@if [ -x node_modules/.bin/eslint ]; then \
		echo "node_modules/.bin/eslint $(JS_CODE)"; node_modules/.bin/eslint $(JS_CODE); \
	elif [ -n "$$NEWSROOM_REQUIRE_ALL_CHECKS" ]; then \
		echo "ESLint is missing (npm not found) and NEWSROOM_REQUIRE_ALL_CHECKS is set" >&2; exit 1; \
	else \
		echo "npm not found: the search script is not checked with ESLint"; \
	fi

check: $(VENV)/.site-deps  ## Validate every release without building HTML
	$(BIN)/python -m newsroom check

# The title goes through the environment, unexpanded ($(value ...)): make never expands a $ in it
# (nor exports TITLE itself, which would expand it), and no shell ever reads it, so backquotes,
# $(...) and quotes stay exactly as written.
unexport TITLE
strip-photos: $(VENV)/.site-deps  ## Remove GPS positions, serial numbers and owners' names from photos, videos and PDFs
	@$(BIN)/python -m newsroom strip-photos

new: export NEWSROOM_TITLE = $(value TITLE)
new: $(VENV)/.site-deps  ## Start a release: make new TITLE="..."
	@$(BIN)/python -m newsroom new

# Like TITLE, the paths go through the environment, unexpanded, and no shell reads them; the
# command takes them from there (FROM is required; AS and MAP are optional; make's own AS, the
# assembler, is not passed).
unexport FROM AS MAP
import: export NEWSROOM_IMPORT_FROM = $(value FROM)
import: export NEWSROOM_IMPORT_AS = $(if $(filter default,$(origin AS)),,$(value AS))
import: export NEWSROOM_IMPORT_MAP = $(value MAP)
import: $(VENV)/.site-deps  ## Import an archive: make import FROM=path [AS=rss|wordpress|html] [MAP=import-map.yml]
	@$(BIN)/python -m newsroom import

N ?= 1000
bench: $(VENV)/.test-deps  ## Time a build of N synthetic releases: make bench N=10000
	$(BIN)/python -m benchmarks.run --releases $(N)

$(VENV)/.site-deps: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt $(VENV)/.site-deps
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The HTML checker, axe-core and ESLint come from npm when it is there; without it,
# the tests and checks that need them say so and skip.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --ignore-scripts && touch $@; \
	else \
		echo "npm not found: HTML validity and accessibility checks will be skipped"; \
	fi

clean:
	rm -rf site .pytest_cache
