# transcript-fix: every target sets up .venv/ from nothing (only python3 and make assumed).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SHARED ?= ../shared

.DEFAULT_GOAL := help
.PHONY: help setup fix check test check-glossary eval bench clean

help: ## Show this help.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask]'
	touch $(STAMP)

setup: $(STAMP) ## Create .venv/ and install the project with its dev tools.

fix: $(STAMP) ## Correct every transcript in seeds/ into out/ (files, reports, summary).
	$(BIN)/transcript-fix fix seeds/ --out out/

check: $(STAMP) ## Show what fix would change in seeds/ (never writes; exit 1 if anything would).
	$(BIN)/transcript-fix check seeds/

check-glossary: $(STAMP) ## Lint the glossary (schema, duplicates, sorting, common words, guards).
	$(BIN)/transcript-fix glossary lint glossary/

test: $(STAMP) ## Lint the glossary, then run the whole test suite.
	$(BIN)/transcript-fix glossary lint glossary/
	$(BIN)/python -m pytest

eval: $(STAMP) ## Accuracy on the seed gold, clean Dutch text and the labelled cases.
	$(BIN)/transcript-fix eval seeds/YULg4vMdULo.nl.md --reference $(SHARED)/gold/seed-reference.md \
		--clean $(SHARED)/corpora/clean-nl \
		--cases tests/cases/unseen-misspellings.yaml --cases tests/cases/positive-seen.yaml \
		--cases tests/cases/negative.yaml

bench: $(STAMP) ## Speed benchmark; prints a table and writes bench/results.json.
	$(BIN)/python -m bench

clean: ## Remove out/ and caches (keeps .venv/).
	rm -rf out/ .pytest_cache bench/corpus
