# Two commands on a fresh machine: `make run` starts Yonder, `make test` runs every check.
# Both create .venv from pyproject.toml on first use (and again when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=

.PHONY: run test lint unit bench dist deb clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,package]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint dist
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(ARGS)

bench: $(STAMP) dist
	$(BIN)/python bench/dump_vs_curl.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/window_stream.py
	$(BIN)/python bench/startup_frozen.py --no-build

# The standalone app (packaging/build.sh): dist/yonder/ and its tar.gz, rebuilt only when a
# source, resource or packaging file changed. `make test` builds it too: tests/packaging/
# launches the built binary.
VERSION    := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
DIST_TAR   := dist/yonder-$(VERSION)-linux-$(shell uname -m).tar.gz
DIST_SRC   := pyproject.toml $(shell find main.py net ui resources packaging -type f \
                ! -path '*/__pycache__/*' ! -name '*.pyc' 2>/dev/null)

dist: $(DIST_TAR)

# A Debian package of the same bundle (packaging/build_deb.py): dist/yonder-browser_<version>_<arch>.deb
deb: $(DIST_TAR)
	$(BIN)/python packaging/build_deb.py

$(DIST_TAR): $(STAMP) $(DIST_SRC)
	bash packaging/build.sh

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
