# Two commands on a fresh machine: `make run` starts Yonder, `make test` runs every check.
# Both create .venv from pyproject.toml on first use (and again when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=

.PHONY: run test test-all lint unit bench dist deb clean native

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,package]'
	touch $(STAMP)

# The HTML renderer compiled by mypyc (tools/build_native.py) into build/native/<cache_tag>/,
# outside the source tree; ui/text/render/native.py uses it only while it matches the sources.
# The script does nothing when it is up to date, and leaves the pure Python renderer (saying
# why) when it cannot compile. YONDER_PURE_PYTHON=1 skips it.
native: $(STAMP)
	$(BIN)/python tools/build_native.py

run: native
	$(BIN)/python main.py $(ARGS)

# Dead code too: vulture (pyproject.toml's [tool.vulture]; tools/vulture_whitelist.py lists
# what a framework calls by name). vulture exits 3 when it finds some.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/vulture

# YONDER_EXPECT_COMPILED=1: tests/unit/test_render_compiled.py fails if the renderer that runs is
# the pure Python one (the compiled build is missing, stale or does not load).
test: lint dist native
	YONDER_EXPECT_COMPILED=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(ARGS)

# The other supported Pythons, each in its own venv (.venv-3.12, .venv-3.13): unit,
# integration and gui tests. The default Python (3.11 here, PySide6 < 6.12) is `make test`'s.
# Each interpreter is python3.X on PATH if it runs (a pyenv shim may not), else the newest 3.X under
# pyenv's versions/.
OTHER_PYTHONS ?= 3.12 3.13

test-all: $(foreach v,$(OTHER_PYTHONS),.venv-$(v)/.installed-stamp)
	@for v in $(OTHER_PYTHONS); do \
	    .venv-$$v/bin/python tools/build_native.py || exit 1; \
	    echo "== Python $$v: $$(.venv-$$v/bin/python -c 'import sys, PySide6; print(sys.version.split()[0], "PySide6", PySide6.__version__)')"; \
	    YONDER_EXPECT_COMPILED=1 QT_QPA_PLATFORM=offscreen .venv-$$v/bin/python -m pytest tests/unit tests/integration tests/gui $(ARGS) || exit 1; \
	done

.venv-%/.installed-stamp: pyproject.toml
	@py=""; for c in "$$(command -v python$*)" $$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/$*.*/bin/python$* 2>/dev/null | sort -V -r); do \
	    if [ -n "$$c" ] && "$$c" -c "" 2>/dev/null; then py="$$c"; break; fi; \
	done; \
	test -n "$$py" || { echo "make test-all: no Python $* (python$* on PATH or under pyenv's versions/)" >&2; exit 1; }; \
	echo "make test-all: .venv-$* from $$py"; \
	"$$py" -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade pip
	.venv-$*/bin/python -m pip install --quiet -e '.[test,native]'
	touch $@

bench: native dist
	$(BIN)/python bench/dump_vs_curl.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/window_stream.py
	$(BIN)/python bench/startup_frozen.py --no-build

# The standalone app (packaging/build.sh): dist/yonder/ and its tar.gz, rebuilt only when a
# source, resource or packaging file changed. `make test` builds it too: tests/packaging/
# launches the built binary.
VERSION    := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
DIST_TAR   := dist/yonder-$(VERSION)-linux-$(shell uname -m).tar.gz
DIST_SRC   := pyproject.toml tools/build_native.py $(shell find main.py net ui resources packaging -type f \
                ! -path '*/__pycache__/*' ! -name '*.pyc' 2>/dev/null)

dist: $(DIST_TAR)

# A Debian package of the same bundle (packaging/build_deb.py): dist/yonder-browser_<version>_<arch>.deb
deb: $(DIST_TAR)
	$(BIN)/python packaging/build_deb.py

$(DIST_TAR): $(STAMP) $(DIST_SRC)
	bash packaging/build.sh

clean:
	rm -rf $(VENV) $(foreach v,$(OTHER_PYTHONS),.venv-$(v)) build dist .pytest_cache .mypy_cache .ruff_cache
