# Lumi: `make run` starts everything, `make test` runs every test. Both set themselves up.
# a Python 3.10 that really runs (a pyenv shim may exist without being usable)
PYTHON_BIN ?= $(shell for p in python3.10 $(HOME)/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
# the `rasa` command with Lumi's patches (bot/serving/patches; LUMI_RASA_PATCHES=0 turns them off)
RASA := $(PY) -m bot.serving.rasa_command
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
PROJECT := bot/project
RASA_ARGS := --domain $(PROJECT)/domain --config config.yml
MODEL := models/lumi.tar.gz
# one spaCy pipeline per language of content/: English for the NLU (an input of the model), the
# others for their safety patterns (read when the server starts, so a change needs no training)
SPACY := build/spacy/en/meta.json
SPACY_INPUTS := content/en/entities.yml $(wildcard content/helplines/*.yml) bot/nlu/spacy_pipeline.py
SPACY_OTHERS := build/spacy/.others
SPACY_OTHERS_INPUTS := $(wildcard content/*/entities.yml content/*/safety_patterns.yml content/*/goals.yml) \
	bot/nlu/spacy_pipeline.py
# the code the trained model runs (NLU components, policies and what they import): a change
# retrains; tools (bot/tools) are not inputs
MODEL_CODE := bot/settings.py $(wildcard bot/nlu/*.py bot/safety/*.py) \
	bot/library/content.py bot/library/helplines.py bot/library/languages.py bot/library/self_checks.py \
	bot/library/vocabulary.py
TRAIN_INPUTS := config.yml $(shell find $(PROJECT)/domain $(PROJECT)/data $(PROJECT)/risk_corpus -name '*.yml' 2>/dev/null) \
	$(MODEL_CODE) $(SPACY) content/en/safety_patterns.yml content/en/goals.yml
PYTEST := $(PY) -m pytest -ra

.PHONY: run test test-fast lint setup train spacy eval validate bench screenshots clean fixed-help print-%

run: setup $(MODEL)
	$(PY) -m bot.launch

setup: $(VENV)/.installed $(SPACY) $(SPACY_OTHERS)

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON_BIN)" || { echo "Python 3.10 is needed (Rasa 3.6 supports 3.8-3.10); install it, e.g. with pyenv"; exit 1; }
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.2"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

spacy: $(SPACY) $(SPACY_OTHERS)
$(SPACY): $(VENV)/.installed $(SPACY_INPUTS)
	$(PY) -m bot.nlu.spacy_pipeline --locale en
$(SPACY_OTHERS): $(VENV)/.installed $(SPACY_OTHERS_INPUTS)
	$(PY) -m bot.nlu.spacy_pipeline --others
	touch $@

fixed-help: $(VENV)/.installed
	$(PY) -m bot.library.fixed_help

train: $(MODEL)
$(MODEL): $(VENV)/.installed $(TRAIN_INPUTS)
	$(RASA) train $(RASA_ARGS) --data $(PROJECT)/data --out models --fixed-model-name lumi
	touch $@

validate: setup
	$(RASA) data validate $(RASA_ARGS) --data $(PROJECT)/data --fail-on-warnings

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent || echo "npm is not available: the accessibility test will fail"
	touch $@

# every test; the model and server tests run a second time on plain Rasa (LUMI_RASA_PATCHES=0),
# where only speed may differ
test: setup $(MODEL) node_modules/axe-core/axe.min.js
	$(PYTEST)
	LUMI_RASA_PATCHES=0 $(PYTEST) tests/model tests/e2e

# the tests that need no trained model and no server, but the slow ones (under a minute)
test-fast: setup
	$(PYTEST) tests/unit -m "not slow"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check bot actions tests
	$(VENV)/bin/ruff format --check bot actions tests
	$(VENV)/bin/mypy bot actions

# every set of evaluation/splits.yml through the trained NLU; writes docs/evaluation.md
eval: setup $(MODEL)
	$(PY) -m bot.tools.evaluate report

bench: setup
	$(PY) -m bot.tools.benchmark

# the browser tests' screenshots (build/screenshots) become the README's
screenshots: setup $(MODEL) node_modules/axe-core/axe.min.js
	$(PYTEST) tests/browser
	cp build/screenshots/*.png docs/screenshots/

print-%:
	@echo $($*)

clean:
	rm -rf build models results .pytest_cache
