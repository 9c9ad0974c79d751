"""Rasa NLU components that add Lumi's rule-based entities from the project's spaCy pipeline:
`RulerEntities` turns the entity ruler's matches into `audience`, `country` and `topic`
entities with canonical values; `GoalDetector` adds the `goal` entity (what the user wants:
definition, warning signs, what to do...) from vetted patterns in content/<locale>/goals.yml."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language
from spacy.tokens import Doc

from bot.library.content import load_yaml
from bot.nlu.phrase_patterns import build_matcher, matches
from bot.settings import get_settings


def message_doc(message: Message, model: SpacyModel) -> Doc:
    return message.get("text_spacy_doc") or model.model((message.get(TEXT) or "").lower())


def ruler_entities(doc: Doc) -> List[Dict[str, Any]]:
    return [
        {
            "entity": ent.label_,
            "value": ent.ent_id_ or ent.text,
            "start": ent.start_char,
            "end": ent.end_char,
            "confidence": 1.0,
            "extractor": "RulerEntities",
        }
        for ent in doc.ents
        if ent.label_ in {"audience", "country", "topic"}
    ]


class GoalPatterns:
    """Which want a message expresses, first match in the file's order wins."""

    def __init__(self, nlp: Language, spec: Dict[str, List[str]]) -> None:
        self.order = list(spec)
        self.matcher = build_matcher(nlp, spec)
        self.nlp = nlp

    @classmethod
    def load(cls, nlp: Language, locale: str) -> "GoalPatterns":
        return cls(nlp, load_yaml(get_settings().content_dir / locale / "goals.yml")["goals"])

    def detect(self, doc: Doc) -> Optional[str]:
        found = {name for name, _, _ in matches(self.matcher, doc)}
        return next((goal for goal in self.order if goal in found), None)


class SpacyComponent(GraphComponent, EntityExtractorMixin):
    @classmethod
    def required_components(cls) -> List[type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"locale": "en"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.locale = config["locale"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SpacyComponent":
        return cls(config)

    @staticmethod
    def _add(message: Message, entities: List[Dict[str, Any]]) -> None:
        if entities:
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP")
class RulerEntities(SpacyComponent):
    """Entities from the entity ruler, plus audience and country from the channel's metadata
    (the widget's data-audience / data-country) when the message itself names none."""

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text:
                continue
            found = [] if text.startswith("/") else ruler_entities(message_doc(message, model))
            named = {e["entity"] for e in found}
            metadata = message.get("metadata") or {}
            for key in ("audience", "country"):
                value = metadata.get(key)
                if key not in named and isinstance(value, str) and value:
                    found.append(
                        {
                            "entity": key,
                            "value": value.upper() if key == "country" else value,
                            "start": 0,
                            "end": 0,
                            "confidence": 1.0,
                            "extractor": "ChannelMetadata",
                        }
                    )
            self._add(message, found)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP")
class GoalDetector(SpacyComponent):
    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._patterns: Optional[GoalPatterns] = None

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        if self._patterns is None:
            self._patterns = GoalPatterns.load(model.model, self.locale)
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            goal = self._patterns.detect(message_doc(message, model))
            if goal:
                self._add(
                    message,
                    [
                        {
                            "entity": "goal",
                            "value": goal,
                            "start": 0,
                            "end": len(text),
                            "confidence": 1.0,
                            "extractor": "GoalDetector",
                        }
                    ],
                )
        return messages
