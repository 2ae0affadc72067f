# xxgk: two commands do everything on a fresh machine.
#   make demo   install, then extract the bundled real and generated reports into out/demo
#   make test   install, then run the whole test suite (what CI runs)

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: setup demo test bench train lint clean loadtest serve

$(STAMP): pyproject.toml
	bash scripts/install-system-deps.sh
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of PyTorch first: an unpinned torch would pull a multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/xxgk extract examples --out out/demo --format json,csv,xlsx
	@echo "wrote out/demo: one JSON per report, reports.csv and reports.xlsx side by side"

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/xxgk bench

# 200 submissions from 20 concurrent clients against a local server with 2 workers
loadtest: $(STAMP)
	$(BIN)/python benchmarks/load_test.py --n 200 --clients 20 --workers 2 --out out/loadtest.json

serve: $(STAMP)
	$(BIN)/xxgk serve --workers 2

train: $(STAMP)
	$(BIN)/xxgk train

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) out .pytest_cache
