"""The deterministic safety net: a Rasa NLU component that matches vetted, lemma-aware
patterns (content/<locale>/safety_patterns.yml) so that a classifier's miss is never a
child's miss. A match marks the message urgent with its sub-type (an `urgent_subtype`
entity) and routes it to the urgent intent `crisis_<subtype>`; the safe word ("help", "sos")
routes to `safe_word` whatever the classifier thought."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language
from spacy.tokens import Doc

from bot.content import load_yaml
from bot.intent_routing import demote_from, is_crisis, route_to
from bot.nlu_entities import SpacyComponent, message_doc
from bot.patterns import build_matcher, matches
from bot.risk_classifier import RISK_KEY, crisis_probability
from bot.settings import get_settings

SUBTYPE_PRIORITY = ("immediate_danger", "self_harm", "exploitation", "sextortion", "ongoing_abuse")
INTERCHANGEABLE = frozenset({"immediate_danger", "exploitation", "ongoing_abuse"})
_PUNCT = re.compile(r"[^\w\s]")


def by_priority(subtypes: Set[str]) -> Optional[str]:
    return next((s for s in SUBTYPE_PRIORITY if s in subtypes), None)


def chosen_subtype(subtypes: Set[str], ranking: List[Dict[str, Any]]) -> Optional[str]:
    """Of the sub-types the patterns found, the most urgent (SUBTYPE_PRIORITY); but when all of
    them are physical danger (INTERCHANGEABLE), the one the intent classifier, which read the
    whole message, ranks highest. A pattern is a few words: "takes my phone" is an
    immediate-danger pattern, yet "my gf slaps me and takes my phone... it keeps happening" is
    ongoing abuse. The three replies all tell the user to call the emergency number if they
    are in danger now, and show it first; self-harm (crisis lines) and sextortion (image
    removal) keep their fixed place."""
    if not subtypes or not subtypes <= INTERCHANGEABLE:
        return by_priority(subtypes)
    confidence = {r.get("name"): float(r.get("confidence") or 0.0) for r in ranking}
    return min(subtypes, key=lambda s: (-confidence.get(f"crisis_{s}", 0.0), SUBTYPE_PRIORITY.index(s)))


class SafetyPatterns:
    """The compiled patterns of one locale; usable without Rasa (the CLI, tests, the eval)."""

    def __init__(self, nlp: Language, spec: Dict[str, Any]) -> None:
        self.nlp = nlp
        self.safe_words = {self._normalise(w) for w in spec.get("safe_words", [])}
        self.danger = build_matcher(nlp, {k: v.get("patterns", []) for k, v in spec["subtypes"].items()})
        self.guards = build_matcher(nlp, {"guard": spec.get("guards", [])})
        self.guard_window = int(spec.get("guard_window", 8))
        self.disclosed = build_matcher(nlp, {"disclosed": spec.get("disclosed", [])})
        self.unguarded = set(spec.get("unguarded", []))
        past = spec.get("past") or {}
        self.past_subtypes = set(past.get("subtypes", []))
        self.past = build_matcher(nlp, {"past": past.get("markers", []), "present": past.get("present", [])})

    @staticmethod
    def _normalise(text: str) -> str:
        return " ".join(_PUNCT.sub(" ", text.lower()).split())

    @classmethod
    def load(cls, nlp: Language, locale: str, content_dir: Optional[Path] = None) -> "SafetyPatterns":
        content_dir = content_dir or get_settings().content_dir
        return cls(nlp, load_yaml(content_dir / locale / "safety_patterns.yml"))

    def is_safe_word(self, text: str) -> bool:
        return self._normalise(text) in self.safe_words

    def _guarded(self, doc: Doc, start: int, guards: List[Tuple[str, int, int]]) -> bool:
        """A hypothetical or educational frame ("what if someone...", "how do I protect...")
        just before the match, in the same sentence, makes it not a disclosure."""
        for _, g_start, g_end in guards:
            if g_end <= start + 1 and start - g_end <= self.guard_window:
                between = doc[g_end:start]
                if not any(t.text in {".", "!", "?", "\n"} for t in between):
                    return True
        return False

    def detect(self, doc: Doc) -> Optional[str]:
        """The urgent sub-type this message discloses (the most urgent if several), or None."""
        return by_priority(self.detect_all(doc))

    def detect_all(self, doc: Doc) -> Set[str]:
        """Every urgent sub-type this message discloses (empty: none)."""
        danger = matches(self.danger, doc)
        if not danger:
            return set()
        guards = matches(self.guards, doc)
        disclosed = bool(matches(self.disclosed, doc))
        found = {
            name for name, start, _ in danger
            if name in self.unguarded or disclosed or not self._guarded(doc, start, guards)
        }
        if found & self.past_subtypes:
            tense = {name for name, _, _ in matches(self.past, doc)}
            if "past" in tense and "present" not in tense:
                found -= self.past_subtypes
        return found

    def check(self, text: str) -> Optional[str]:
        return self.detect(self.nlp(text.lower()))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False, model_from="SpacyNLP"
)
class SafetyNet(SpacyComponent):
    """Overrides the classifier when a vetted danger pattern or the safe word matches."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Without a pattern, the intent classifier's crisis intents (their summed probability)
        # make a message urgent when they reach `crisis_probability_alone`, or reach
        # `crisis_probability` while the risk classifier gives at least `risk_support`; a crisis
        # intent with less support becomes the likeliest other intent. Chosen on the tuning sets
        # (docs/performance.md): fewer false alarms on figures of speech, no disclosure lost.
        return {"locale": "en", "crisis_probability": 0.3, "crisis_probability_alone": 0.8,
                "risk_support": 0.1, "fallback_threshold": 0.2}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        settings = {**self.get_default_config(), **config}
        self.crisis_probability = float(settings["crisis_probability"])
        self.crisis_probability_alone = float(settings["crisis_probability_alone"])
        self.risk_support = float(settings["risk_support"])
        self.fallback_threshold = float(settings["fallback_threshold"])
        self._patterns: Optional[SafetyPatterns] = None

    def _get_patterns(self, nlp: Language) -> SafetyPatterns:
        if self._patterns is None:
            self._patterns = SafetyPatterns.load(nlp, self.locale)
        return self._patterns

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        patterns = self._get_patterns(model.model)
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button payload, not something the user wrote
            if patterns.is_safe_word(text):
                route_to(message, "safe_word", "safety net")
                continue
            doc = message_doc(message, model)
            subtype = chosen_subtype(patterns.detect_all(doc), message.get(INTENT_RANKING_KEY) or [])
            if subtype:
                route_to(message, f"crisis_{subtype}", "safety net")
                self._add(message, [{"entity": "urgent_subtype", "value": subtype, "start": 0, "end": len(text),
                                     "extractor": "SafetyNet", "confidence": 1.0}])
            else:
                self._route_likely_crisis(message)
        return messages

    def _crisis_supported(self, message: Message, crisis_sum: float) -> bool:
        risk = message.get(RISK_KEY)
        if not isinstance(risk, dict):  # no risk classifier: the intent classifier alone decides
            return crisis_sum >= self.crisis_probability
        return crisis_sum >= self.crisis_probability_alone or (
            crisis_sum >= self.crisis_probability and float(risk.get("probability", 0.0)) >= self.risk_support)

    def _route_likely_crisis(self, message: Message) -> None:
        """Err on the side of help: when the crisis intents together are likely enough, the
        message gets the urgent path of the likeliest one, even if another intent ranks first;
        a crisis intent that neither its probability nor the risk classifier supports is
        replaced (the risk classifier's own mark still brings urgent help)."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        crisis = [r for r in ranking if is_crisis(r.get("name"))]
        current = (message.get(INTENT) or {}).get("name") or ""
        supported = bool(crisis) and self._crisis_supported(message, crisis_probability(message))
        if supported and not is_crisis(current):
            route_to(message, crisis[0]["name"], "crisis probability")
        elif not supported and is_crisis(current):
            demote_from(message, self.fallback_threshold, "crisis intent without support")
