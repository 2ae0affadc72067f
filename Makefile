# xxgk: two commands do everything on a fresh machine.
#   make demo   install, then extract the bundled real and generated reports into out/demo
#   make test   install, then run the whole test suite (what CI runs)
#   make demo-edition   a new template edition flagged, corrected in Label Studio, learned

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
LS_VENV := .venv-ls
LS_STAMP := $(LS_VENV)/.installed
# an extra's requirements from pyproject.toml, each shell-quoted (a `<` in a specifier is not a redirect)
EXTRA    = $(shell $(PY) -c "import shlex, tomllib; print(' '.join(map(shlex.quote, tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['$(1)'])))")

.PHONY: setup demo test eval bench train lint clean loadtest serve demo-edition label-studio

$(STAMP): pyproject.toml
	bash scripts/install-system-deps.sh
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of PyTorch first: an unpinned torch would pull a multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	# every extra (the core alone extracts text, HTML and born-digital PDF; see pyproject.toml)
	$(BIN)/pip install --quiet -e ".[all,dev]"
	# label-studio-sdk without its dependencies (see the `annotate` extra in pyproject.toml)
	$(BIN)/pip install --quiet --no-deps $(call EXTRA,annotate-sdk)
	# augraphy without the GUI OpenCV it requires (see the `scan-synth` extra in pyproject.toml)
	$(BIN)/pip install --quiet --no-deps $(call EXTRA,scan-synth-augraphy)
	touch $(STAMP)

# Label Studio in its own environment: it pins Django and many packages this project must not inherit
$(LS_STAMP): pyproject.toml
	$(PY) -m venv $(LS_VENV)
	$(LS_VENV)/bin/pip install --quiet --upgrade pip
	$(LS_VENV)/bin/pip install --quiet $(call EXTRA,label-studio)
	touch $(LS_STAMP)

setup: $(STAMP) $(LS_STAMP)

demo: $(STAMP)
	$(BIN)/xxgk extract examples --out out/demo --format json,csv,xlsx
	@echo "wrote out/demo: one JSON per report, reports.csv and reports.xlsx side by side"

test: $(STAMP) $(LS_STAMP)
	$(BIN)/pytest -q

# The new-edition loop: a hypothetical edition flagged, corrected in a local Label Studio, learned
demo-edition: $(STAMP) $(LS_STAMP)
	$(BIN)/python -m xxgk.annotations.demo --out out/demo-edition

# A local Label Studio for annotators (data in ~/.local/share/label-studio); then
#   XXGK_LABEL_STUDIO_API_KEY=<token from Account & Settings> xxgk annotate push REPORTS --project NAME
label-studio: $(LS_STAMP)
	LABEL_STUDIO_LATEST_VERSION_CHECK=false LABEL_STUDIO_COLLECT_ANALYTICS=false \
		$(LS_VENV)/bin/label-studio start --no-browser --host 127.0.0.1 --port 8080

eval: $(STAMP)
	$(BIN)/xxgk eval --shared ../shared

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
	rm -rf $(VENV) $(LS_VENV) out .pytest_cache
