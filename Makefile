# Two commands on a fresh machine: `make run` (the chat) and `make test` (the suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test chromium bench ingest clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch is pinned to the CPU build first, so nothing pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python app.py

# Browser tests need Debian's Chromium; it is installed here when missing (root only).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "install chromium (apt-get install chromium) for the browser tests"; fi; }

test: $(STAMP) chromium
	$(BIN)/ruff check qa tests bench training app.py
	$(BIN)/mypy
	$(BIN)/pytest -q

ingest: $(STAMP)
	$(BIN)/qa ingest

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf .qa-index
