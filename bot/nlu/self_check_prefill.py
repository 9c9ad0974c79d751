"""Which self-check questions a message already answers with yes ("he says we have to keep it
a secret" answers the grooming check's `keep_secret`), found in the NLU pipeline from the
`prefill` patterns of content/<locale>/self_checks/. The result is the parse data's
`check_signs` list ("<check id>.<question id>"), so the action server needs no spaCy."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language
from spacy.tokens import Doc

from bot.library.self_checks import CHECK_SIGNS_KEY, checks
from bot.nlu.entities import SpacyComponent, message_doc
from bot.nlu.phrase_patterns import build_matcher, matches


class SignPatterns:
    """The prefill patterns of every self-check of one locale, in one matcher."""

    def __init__(self, nlp: Language, locale: str) -> None:
        self.nlp = nlp
        spec = {
            f"{check.id}.{q.id}": q.prefill
            for (loc, _), check in checks().items()
            if loc == locale
            for q in check.questions
            if q.prefill
        }
        self.matcher = build_matcher(nlp, spec)

    def find(self, doc: Doc) -> List[str]:
        return sorted({name for name, _, _ in matches(self.matcher, doc)})

    def check(self, text: str) -> List[str]:
        return self.find(self.nlp(text.lower()))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP")
class CheckSigns(SpacyComponent):
    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._patterns: Optional[SignPatterns] = None

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        if self._patterns is None:
            self._patterns = SignPatterns(model.model, self.locale)
        for message in messages:
            text = message.get(TEXT) or ""
            if text and not text.startswith("/"):
                message.set(CHECK_SIGNS_KEY, self._patterns.find(message_doc(message, model)), add_to_output=True)
        return messages
