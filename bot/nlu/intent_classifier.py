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
uses, in the same order.

Two settings Rasa's classifier lacks: `C` (its regularisation, fixed at 1.0 there) and `tfidf`
(sublinear tf, smoothed idf and l2 norm over the count features, as scikit-learn's
`TfidfTransformer(sublinear_tf=True)` computes them; the idf is fitted on the training examples
and stored beside the classifier). Everything else is Rasa's own."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety.risk_classifier import column_major

CLASSIFIER_FILE = "classifier.skops"
IDF_FILE = "idf.npy"
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


def canonical(counts: sp.csr_matrix) -> sp.csr_matrix:
    """A float copy with each entry once and no stored zeros (so entries are documents' terms)."""
    copy = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    copy.sum_duplicates()
    copy.eliminate_zeros()
    return copy


def fit_idf(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency of each column: ln((1 + n) / (1 + df)) + 1."""
    counts = canonical(counts)
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    return np.log((1 + counts.shape[0]) / (1 + document_frequency)) + 1.0


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Each row's (1 + ln count) * idf, scaled to unit length."""
    weighted = canonical(counts)
    weighted.data = (np.log(weighted.data) + 1.0) * idf[weighted.indices]
    lengths = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    lengths[lengths == 0] = 1.0
    weighted.data /= np.repeat(lengths, np.diff(weighted.indptr))
    return weighted


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentClassifier(LogisticRegressionClassifier):
    """Logistic regression over the featurizers' n-grams (Rasa's), in a file that survives the
    cache, with a configurable C and optional tf-idf weighting."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "tfidf": False}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.C = self.config["C"]
        self.idf: Optional[np.ndarray] = None

    def _create_X(self, messages: List[Message]) -> sp.csr_matrix:
        rows = [sentence_features(m) for m in messages]
        counts = rows[0] if len(rows) == 1 else sp.vstack(rows, format="csr")
        return counts if self.idf is None else tfidf(counts, self.idf)

    def train(self, training_data: TrainingData) -> Resource:
        X, y = self._create_training_matrix(training_data)
        if X.shape[0] == 0:
            return self._resource
        if self.config["tfidf"]:
            self.idf = fit_idf(X)
            X = tfidf(X, self.idf)
        self.clf.fit(X, y)
        self.persist()
        return self._resource

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump(self.clf, model_dir / CLASSIFIER_FILE)
            if self.idf is not None:
                np.save(model_dir / IDF_FILE, self.idf)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "IntentClassifier":
        import skops.io as sio

        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                # only types skops trusts by default (scikit-learn's, numpy's): nothing is unpickled
                component.clf = column_major(sio.load(model_dir / CLASSIFIER_FILE, trusted=False))
                if (model_dir / IDF_FILE).exists():
                    component.idf = np.load(model_dir / IDF_FILE, allow_pickle=False)
        except (ValueError, OSError):
            logger.debug(f"No trained intent classifier in '{resource.name}'.")
        return component
