"""Rasa's LogisticRegressionClassifier, stored under a fixed file name and loaded column-major.

Rasa 3.6's classifier names its file after the graph node ("train_LogisticRegressionClassifier4
.skops"). When `rasa train` restores the trained classifier from its cache under another node
name (a component added or removed before it in config.yml, with the same features), the file
keeps the old name and the model fails to load (FileNotFoundError on the new name). Seen here on
2026-11-26 while comparing pipelines.

scikit-learn multiplies each message's features by the coefficient matrix transposed, which
SciPy copies for every message when it is stored row-major (about 2.4 ms, 8 % of the server's
time under load): loaded here column-major, with the same figures. Everything else is Rasa's own."""
from __future__ import annotations

import logging
from typing import Any, Dict, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

from bot.risk_classifier import column_major

CLASSIFIER_FILE = "classifier.skops"
logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentClassifier(LogisticRegressionClassifier):
    """Logistic regression over the featurizers' n-grams (Rasa's), in a file that survives the cache."""

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump(self.clf, model_dir / CLASSIFIER_FILE)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "IntentClassifier":
        import skops.io as sio

        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                # only types skops trusts by default (scikit-learn's, numpy's): nothing is unpickled
                component.clf = column_major(sio.load(model_dir / CLASSIFIER_FILE, trusted=False))
        except (ValueError, OSError):
            logger.debug(f"No trained intent classifier in '{resource.name}'.")
        return component
