# Two commands: `make run` serves the lookup site, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
STAMP   = $(VENV)/.installed

.PHONY: run test bench install browser clean

run: $(STAMP)
	$(BIN)/glossary serve --host $(HOST) --port $(PORT)

test: $(STAMP) browser
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/lookup.py

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

# Browser tests drive Debian's chromium (and need a CJK font for readable screenshots);
# install them when missing (needs root or sudo).
browser:
	@{ command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "Noto.*CJK"; } || { \
	  echo "installing Debian's chromium and fonts-noto-cjk for the browser tests"; \
	  SUDO=$$(command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null \
	  || echo "could not install chromium: browser tests will be skipped"; }

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
