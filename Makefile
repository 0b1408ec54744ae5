# newsroom: `make build` to build the site, `make test` to run the tests.
# Needs only python3 (3.11+), make and git; everything else is installed into .venv/.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export PYTHONPATH := $(CURDIR)/hooks

.PHONY: build serve test check new bench clean

build: $(VENV)/.site-deps  ## Build the site into site/
	$(BIN)/mkdocs build --strict

serve: $(VENV)/.site-deps  ## Preview on http://127.0.0.1:8000 with live reload (drafts shown)
	$(BIN)/mkdocs serve --dirty

test: $(VENV)/.test-deps node_modules/.installed  ## Run every test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: $(VENV)/.site-deps  ## Validate every release without building HTML
	$(BIN)/python -m newsroom check

# The title goes through the environment, unexpanded ($(value ...)): make never expands a $ in it
# (nor exports TITLE itself, which would expand it), and no shell ever reads it, so backquotes,
# $(...) and quotes stay exactly as written.
unexport TITLE
new: export NEWSROOM_TITLE = $(value TITLE)
new: $(VENV)/.site-deps  ## Start a release: make new TITLE="..."
	@$(BIN)/python -m newsroom new

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

# The HTML checker and axe-core come from npm when it is there; without it,
# the tests that need them say so and skip.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --ignore-scripts && touch $@; \
	else \
		echo "npm not found: HTML validity and accessibility checks will be skipped"; \
	fi

clean:
	rm -rf site .pytest_cache
