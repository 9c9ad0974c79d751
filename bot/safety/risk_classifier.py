"""The second, independent urgency detector: a linear risk classifier over word and character
n-grams, trained on every crisis example in the NLU data plus the larger risk corpus in
bot/project/risk_corpus/ (crisis messages per sub-type and hard ordinary questions on the same topics).

The intent classifier sees a message as one of ~30 intents; this model answers only one question, "is this
someone in danger or being harmed now, and which kind?", and is tuned to miss as little as
possible. It does not change the intent: it adds `risk` to the parse data ({probability,
subtype, urgent, classifier_crisis}). When `urgent` is set on a message that the classifier and
the safety net took for an ordinary question or story, the answer begins with the urgent help
for that sub-type and then answers (actions/urgent_help.py): many such messages are stories in
the grey zone, where taking over the conversation would be wrong and leaving out help worse."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

import joblib
import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union

from bot.library.content import load_yaml
from bot.library.vocabulary import CRISIS_PREFIX, is_crisis
from bot.settings import ROOT

logger = logging.getLogger(__name__)

NOT_URGENT = "none"
RISK_KEY = "risk"
_MODEL_FILE = "risk_model.joblib"


def corpus_files(corpus_dir: Path) -> List[Path]:
    return sorted(corpus_dir.glob("*.yml"))


def load_corpus(corpus_dir: Path) -> List[Tuple[str, str]]:
    """(text, label) pairs from bot/project/risk_corpus/: `subtype` rows are urgent, `topic` rows are not."""
    pairs = []
    for path in corpus_files(corpus_dir):
        for row in load_yaml(path).get("messages", []):
            pairs.append((str(row["text"]), str(row.get("subtype") or NOT_URGENT)))
    return pairs


def label_of_intent(intent: str) -> Optional[str]:
    """crisis_<subtype> -> subtype; the safe word is left out (the safety net owns it)."""
    if intent == "safe_word":
        return None
    return intent[len(CRISIS_PREFIX) :] if is_crisis(intent) else NOT_URGENT


def crisis_probability(message: Message) -> float:
    """The intent classifier's summed probability of the crisis intents."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    return float(sum(r["confidence"] for r in ranking if is_crisis(r.get("name"))))


def normalise(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def column_major(estimator: Any) -> Any:
    """Stores a fitted linear model's coefficients column-major. scikit-learn multiplies the
    sparse features by `coef_.T`; row-major, SciPy copies that whole matrix for every message
    (about 2.4 ms for Lumi's intent classifier, measured with py-spy), column-major it does not.
    The figures are the same."""
    if getattr(estimator, "coef_", None) is not None:
        estimator.coef_ = np.asfortranarray(estimator.coef_)
    return estimator


class TfidfRows:
    """Fitted TfidfVectorizers (l2 norm, idf, optionally sublinear tf) applied text by text, side
    by side, as `scipy.sparse.hstack([v.transform(texts) for v in vectorisers])` would, without
    scikit-learn's per-call validation. tests/test_risk_classifier.py checks the figures agree."""

    def __init__(self, vectorisers: List[Any]) -> None:
        for v in vectorisers:
            if v.norm != "l2" or not v.use_idf or v.binary:
                raise ValueError(f"unsupported vectoriser settings: {v}")
        self.parts = [(v.build_analyzer(), v.vocabulary_, v.idf_, v.sublinear_tf) for v in vectorisers]
        self.width = sum(len(vocabulary) for _, vocabulary, _, _ in self.parts)

    @staticmethod
    def _weights(
        text: str, analyse: Any, vocabulary: Dict[str, int], idf: np.ndarray, sublinear: bool
    ) -> Tuple[np.ndarray, np.ndarray]:
        counts = Counter(j for j in map(vocabulary.get, analyse(text)) if j is not None)
        columns = np.fromiter(sorted(counts), dtype=np.int32, count=len(counts))
        tf = np.array([counts[j] for j in columns], dtype=np.float64)
        weights = (np.log(tf) + 1.0 if sublinear else tf) * idf[columns]
        norm = np.sqrt(np.dot(weights, weights))
        return columns, (weights / norm if norm > 0 else weights)

    def transform(self, texts: List[str]) -> sp.csr_matrix:
        indices: List[np.ndarray] = [np.zeros(0, dtype=np.int32)]
        data: List[np.ndarray] = [np.zeros(0)]
        indptr = [0]
        for text in texts:
            offset, row_size = 0, 0
            for analyse, vocabulary, idf, sublinear in self.parts:
                columns, weights = self._weights(text, analyse, vocabulary, idf, sublinear)
                indices.append(columns + offset)
                data.append(weights)
                offset += len(vocabulary)
                row_size += len(columns)
            indptr.append(indptr[-1] + row_size)
        return sp.csr_matrix(
            (np.concatenate(data), np.concatenate(indices), np.array(indptr)), shape=(len(texts), self.width)
        )


class RiskModel:
    """Probability that a message is urgent, and its likeliest sub-type. Usable without Rasa."""

    def __init__(self, C: float = 10.0) -> None:
        features = make_union(
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        )
        self._rows: Optional[TfidfRows] = None
        self.pipeline = Pipeline(
            [
                ("features", features),
                ("model", LogisticRegression(C=C, class_weight="balanced", max_iter=3000)),
            ]
        )

    def __getstate__(self) -> Dict[str, Any]:
        return {**self.__dict__, "_rows": None}  # rebuilt on first use (it holds the analysers)

    def fit(self, pairs: Iterable[Tuple[str, str]]) -> "RiskModel":
        texts, labels = zip(*pairs)
        self.pipeline.fit([normalise(t) for t in texts], list(labels))
        column_major(self.pipeline.named_steps["model"])
        return self

    def features(self, texts: List[str]) -> Any:
        """The pipeline's features, computed by `TfidfRows` (scikit-learn's own transform spends
        most of its time checking its input: about 1 ms a message for two small vectorisers)."""
        union = self.pipeline.named_steps["features"]
        if union.transformer_weights:
            return union.transform(texts)
        rows = getattr(self, "_rows", None)
        if rows is None:
            rows = self._rows = TfidfRows([step for _, step in union.transformer_list])
        return rows.transform(texts)

    def predict(self, texts: List[str]) -> List[Tuple[float, str]]:
        """(probability of urgent, likeliest urgent sub-type) per text."""
        classes = list(self.pipeline.classes_)
        none = classes.index(NOT_URGENT)
        results = []
        features = self.features([normalise(t) for t in texts])
        for row in self.pipeline.named_steps["model"].predict_proba(features):
            subtype = max((c for c in classes if c != NOT_URGENT), key=lambda c: row[classes.index(c)])
            results.append((float(1.0 - row[none]), subtype))
        return results


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RiskClassifier(GraphComponent):
    """Marks a message urgent when the risk model's probability is at least `threshold`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # margin/trusted_intent: a probability below `margin` does not count when the intent
        # classifier is at least `trusted_intent` sure of an ordinary intent (chosen on the tuning
        # sets: fewer false alarms on grey-zone stories, no disclosure lost)
        # conversational_margin: the same for a sure intent that is not a topic question ("keep
        # going", "i'm a dad", "no way", out_of_scope's "this hoodie is to die for"): the risk
        # model reads such short texts poorly ("keep going" 0.78, "i have to go" 0.76); chosen
        # on the NLU training examples, with no disclosure lost on any crisis split
        return {
            "threshold": 0.2,
            "C": 10.0,
            "corpus": "bot/project/risk_corpus",
            "margin": 0.3,
            "trusted_intent": 0.9,
            "conversational_margin": 0.8,
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The corpus lives outside Rasa's training data: retrain when it changes."""
        digest = hashlib.sha256()
        # Rasa passes the config as written in config.yml here, without the defaults
        for path in corpus_files(ROOT / {**cls.get_default_config(), **config}["corpus"]):
            digest.update(path.name.encode() + path.read_bytes())
        return digest.hexdigest()

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[RiskModel] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.threshold = float(self.config["threshold"])
        self.margin = float(self.config["margin"])
        self.trusted_intent = float(self.config["trusted_intent"])
        self.conversational_margin = float(self.config["conversational_margin"])
        self._storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RiskClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        labelled = [(m.get(TEXT), label_of_intent(m.get(INTENT))) for m in training_data.intent_examples]
        pairs: List[Tuple[str, str]] = [(text, label) for text, label in labelled if label is not None and text]
        pairs += load_corpus(ROOT / self.config["corpus"])
        self.model = RiskModel(C=float(self.config["C"])).fit(pairs)
        with self._storage.write_to(self._resource) as directory:
            joblib.dump(self.model, directory / _MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "RiskClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / _MODEL_FILE)
            column_major(model.pipeline.named_steps["model"])
        except (ValueError, FileNotFoundError):
            logger.warning("risk model missing: only the classifier and the safety patterns will catch danger")
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue  # a button payload, not something the user wrote
            probability, subtype = self.model.predict([text])[0]
            urgent = probability >= self.threshold and not self._outvoted(message, probability)
            message.set(
                RISK_KEY,
                {
                    "probability": round(probability, 4),
                    "subtype": subtype,
                    "urgent": urgent,
                    "classifier_crisis": round(crisis_probability(message), 4),
                },
                add_to_output=True,
            )
        return messages

    def _outvoted(self, message: Message, probability: float) -> bool:
        """At the margin, an intent classifier that is sure of an ordinary intent wins; the
        margin is wider for intents that are not topic questions."""
        intent = message.get(INTENT) or {}
        name = str(intent.get("name") or "")
        if not name or is_crisis(name) or name == "nlu_fallback":
            return False
        if float(intent.get("confidence") or 0.0) < self.trusted_intent:
            return False
        topic_question = name.startswith("topic_")  # may be a story in the grey zone
        return probability < (self.margin if topic_question else self.conversational_margin)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
