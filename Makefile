# Each target bootstraps .venv on first use; `make build` and `make test` are the whole quickstart.
PYTHON ?= python3
# `make build BASE_URL=https://user.github.io/archive/` builds for that address (CI, previews).
BASE_URL ?=
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# The validators the tests run over a built site (W3C Nu checker, axe-core), pinned in package-lock.json;
# without npm those tests skip. --ignore-scripts: vnu-jar's own Java download is not wanted (Debian's is used).
NODE_STAMP := node_modules/.installed

.PHONY: build serve test bench bench-parts bench-copies lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# the distribution was called `sitegen` before it had a name of its own on PyPI
	$(BIN)/python -m pip uninstall --quiet --yes sitegen 2>/dev/null || true
	rm -rf src/sitegen.egg-info
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(TEST_STAMP)

build: $(STAMP)
	$(BIN)/sitegen build$(if $(BASE_URL), --base-url "$(BASE_URL)")

serve: $(STAMP)
	$(BIN)/sitegen serve --watch

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

test: lint $(NODE_STAMP)
	$(BIN)/python -m pytest -q

$(NODE_STAMP): package.json package-lock.json
	if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund --ignore-scripts && touch $(NODE_STAMP); \
	else echo "npm not found: the HTML validator and axe tests will skip"; fi

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bench.py

# An archive built as three parts, and one search across them throttled (BENCH_SIZE=300000).
bench-parts: $(TEST_STAMP)
	$(BIN)/python benchmarks/parts_bench.py

# Many copies of one story against as many distinct articles (BENCH_COPIES=4000,40000 by default).
bench-copies: $(TEST_STAMP)
	$(BIN)/python benchmarks/copies.py$(if $(BENCH_COPIES), --sizes $(BENCH_COPIES))

clean:
	rm -rf build .build.next .sitegen-cache
