# Lumi: `make run` starts everything, `make test` runs every test. Both set themselves up.
# a Python 3.10 that really runs (a pyenv shim may exist without being usable)
PYTHON_BIN ?= $(shell for p in python3.10 $(HOME)/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
RASA_ARGS := --domain bot/domain --config config.yml
MODEL := models/lumi.tar.gz
SPACY := build/spacy/en/meta.json
SPACY_INPUTS := content/en/entities.yml $(wildcard content/helplines/*.yml) bot/spacy_pipeline.py
# the modules the trained model runs (NLU components, policies and what they import); tools such as
# bot/benchmark.py or bot/evaluate.py are not inputs, so editing them does not retrain
MODEL_CODE := $(addprefix bot/,check_signs.py nlu_entities.py risk_classifier.py safety_net.py \
	urgent_fallback_policy.py patterns.py self_checks.py content.py settings.py intent_routing.py \
	intent_classifier.py sentence_featurizer.py)
TRAIN_INPUTS := config.yml $(shell find bot/domain bot/data bot/risk_corpus -name '*.yml' 2>/dev/null) $(MODEL_CODE) $(SPACY) \
	content/en/safety_patterns.yml content/en/goals.yml

.PHONY: run test setup train spacy eval eval-nlu eval-safety validate bench clean fixed-help lint

run: setup $(MODEL)
	$(PY) -m bot.launch

setup: $(VENV)/.installed $(SPACY)

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON_BIN)" || { echo "Python 3.10 is needed (Rasa 3.6 supports 3.8-3.10); install it, e.g. with pyenv"; exit 1; }
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.2"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

spacy: $(SPACY)
$(SPACY): $(VENV)/.installed $(SPACY_INPUTS)
	$(PY) -m bot.spacy_pipeline

fixed-help: $(VENV)/.installed
	$(PY) -m bot.fixed_help

train: $(MODEL)
$(MODEL): $(VENV)/.installed $(TRAIN_INPUTS)
	$(RASA) train $(RASA_ARGS) --data bot/data --out models --fixed-model-name lumi
	touch $@

validate: setup
	$(RASA) data validate $(RASA_ARGS) --data bot/data --fail-on-warnings

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent || echo "npm is not available: the accessibility test will fail"
	touch $@

test: setup $(MODEL) node_modules/axe-core/axe.min.js
	$(PY) -m pytest -ra

eval: eval-nlu eval-safety
eval-nlu: setup $(MODEL)
	$(PY) -m bot.evaluate nlu
eval-safety: setup $(MODEL)
	$(PY) -m bot.evaluate safety

bench: setup
	$(PY) -m bot.benchmark

clean:
	rm -rf build models results .pytest_cache
