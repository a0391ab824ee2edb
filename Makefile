# FaceNerve: `make run` serves the clinic web app with a demo patient; `make sample` analyses a sample photo;
# `make test` runs lint, types and the test suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: install run sample test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,dlib,web,batch,video]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/facenerve web run

sample: $(STAMP)
	$(BIN)/python scripts/sample_photo.py $(OUT)/sample.jpg
	$(BIN)/facenerve analyze $(OUT)/sample.jpg --annotate $(OUT)
	$(BIN)/facenerve analyze $(OUT)/sample.jpg --json > $(OUT)/sample.json
	@echo "wrote $(OUT)/sample.annotated.png and $(OUT)/sample.json"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(if $(QUICK),--quick)

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
