"""Rasa's LogisticRegressionClassifier, stored under a fixed file name and loaded column-major.

Rasa 3.6's classifier names its file after the graph node ("train_LogisticRegressionClassifier4
.skops"). When `rasa train` restores the trained classifier from its cache under another node
name (a component added or removed before it in config.yml, with the same features), the file
keeps the old name and the model fails to load (FileNotFoundError on the new name). Seen here on
2026-11-26 while comparing pipelines.

scikit-learn multiplies each message's features by the coefficient matrix transposed, which
SciPy copies for every message when it is stored row-major (about 2.4 ms, 8 % of the server's
time under load): loaded here column-major, with the same figures.

Rasa's `_create_X` gets each message's features through `Message.get_sparse_features`, which
deep-copies and joins the token-level features too, then joins the sentence features with an
empty dense block (about 1 ms a message); `sentence_features` joins only what the classifier
uses, in the same order. Everything else is Rasa's own."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

import numpy as np
import scipy.sparse as sp

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.risk_classifier import column_major

CLASSIFIER_FILE = "classifier.skops"
logger = logging.getLogger(__name__)


def sentence_features(message: Message) -> sp.csr_matrix:
    """The message's sentence-level text features as one row: the sparse ones, then the dense
    ones, each in the featurizers' order (what Rasa's classifier builds)."""
    mine = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    blocks = [sp.csr_matrix(f.features) for f in mine if f.is_sparse()]
    blocks += [sp.csr_matrix(np.asarray(f.features)) for f in mine if f.is_dense()]
    if not blocks:
        return sp.csr_matrix((1, 0))
    return blocks[0] if len(blocks) == 1 else sp.hstack(blocks, format="csr")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentClassifier(LogisticRegressionClassifier):
    """Logistic regression over the featurizers' n-grams (Rasa's), in a file that survives the cache."""

    def _create_X(self, messages: List[Message]) -> sp.csr_matrix:
        rows = [sentence_features(m) for m in messages]
        return rows[0] if len(rows) == 1 else sp.vstack(rows, format="csr")

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
