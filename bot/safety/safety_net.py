"""The deterministic safety net: a Rasa NLU component that matches vetted, lemma-aware
patterns (content/<locale>/safety_patterns.yml) so that a classifier's miss is never a
child's miss. A match marks the message urgent with its sub-type (an `urgent_subtype`
entity) and routes it to the urgent intent `crisis_<subtype>`; the safe word ("help", "sos")
routes to `safe_word` whatever the classifier thought."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language
from spacy.tokens import Doc

from bot.library.content import load_yaml
from bot.library.vocabulary import is_crisis, language_code
from bot.nlu.entities import SpacyComponent, message_doc
from bot.nlu.language_detector import language_of
from bot.nlu.phrase_patterns import build_matcher, matches
from bot.safety.intent_routing import demote_from, route_to
from bot.safety.risk_classifier import RISK_KEY, crisis_probability
from bot.settings import get_settings

if TYPE_CHECKING:
    from bot.safety.language_patterns import LanguagePatterns

SUBTYPE_PRIORITY = ("immediate_danger", "self_harm", "exploitation", "sextortion", "ongoing_abuse")
INTERCHANGEABLE = frozenset({"immediate_danger", "exploitation", "ongoing_abuse"})
INTERROGATIVES = frozenset("what whats how is are do does can could should why when who which will would".split())
_PUNCT = re.compile(r"[^\w\s]")


def is_question(doc: Doc) -> bool:
    """Asked as a question: it ends with a question mark or opens with a question word."""
    words = [t.text for t in doc if not t.is_punct and not t.is_space]
    return doc.text.rstrip().endswith("?") or (bool(words) and words[0] in INTERROGATIVES)


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


def _entity(name: str, value: Optional[str], text: str) -> Dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": len(text), "extractor": "SafetyNet", "confidence": 1.0}


def page_locale(message: Message) -> Optional[str]:
    """The language the page says it is in (the widget's `locale` metadata), if any."""
    metadata = message.get("metadata") or {}
    return language_code(metadata.get("locale")) if isinstance(metadata, dict) else None


def set_risk_mark(message: Message, by: str, **mark: Any) -> None:
    """Changes the risk classifier's mark on the message (`urgent`, `subtype`), saying `by` whom."""
    message.set(RISK_KEY, {**(message.get(RISK_KEY) or {}), **mark, "by": by}, add_to_output=True)


def mark_urgent(message: Message, subtype: str) -> None:
    """Keep the intent; the answer starts with the urgent help for `subtype`."""
    set_risk_mark(message, "safety net", urgent=True, subtype=subtype)


class SafetyPatterns:
    """The compiled patterns of one locale; usable without Rasa (the CLI, tests, the eval)."""

    def __init__(self, nlp: Language, spec: Dict[str, Any]) -> None:
        self.nlp = nlp
        self.safe_words = {self._normalise(w) for w in spec.get("safe_words", [])}
        farewell = spec.get("farewell") or {}
        self.farewell_words = frozenset(farewell.get("words", []))
        self.farewell_closing = frozenset(farewell.get("closing", []))
        self.danger = build_matcher(nlp, {k: v.get("patterns", []) for k, v in spec["subtypes"].items()})
        self.guards = build_matcher(nlp, {"guard": spec.get("guards", [])})
        self.guard_window = int(spec.get("guard_window", 8))
        self.disclosed = build_matcher(nlp, {"disclosed": spec.get("disclosed", [])})
        # figures of speech that contain a danger phrase ("morirme de la risa"): a danger match
        # that overlaps one of these is not a disclosure, whatever its sub-type
        self.idioms = build_matcher(nlp, {"idiom": spec.get("idioms", [])})
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

    def is_farewell(self, text: str) -> bool:
        """Only farewell words, one of them a closing one: "ok bye lumi", "see you later"."""
        words = set(self._normalise(text).split())
        return bool(words & self.farewell_closing) and words <= self.farewell_words

    def _guarded(self, doc: Doc, start: int, guards: List[Tuple[str, int, int]]) -> bool:
        """A hypothetical or educational frame ("what if someone...", "how do I protect...")
        just before the match, in the same sentence, makes it not a disclosure."""
        for _, _g_start, g_end in guards:
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
        idioms = [(start, end) for _, start, end in matches(self.idioms, doc)]
        danger = [
            (name, start, end)
            for name, start, end in danger
            if not any(i_start < end and start < i_end for i_start, i_end in idioms)
        ]
        guards = matches(self.guards, doc)
        disclosed = bool(matches(self.disclosed, doc))
        found = {
            name
            for name, start, _ in danger
            if name in self.unguarded or disclosed or not self._guarded(doc, start, guards)
        }
        if found & self.past_subtypes:
            tense = self._tense(doc)
            if "past" in tense and "present" not in tense:
                found -= self.past_subtypes
        return found

    def _tense(self, doc: Doc) -> Set[str]:
        """ "past" and/or "present" markers; a present word inside a past marker ("now" in
        "it's all over now") does not count as present."""
        found = matches(self.past, doc)
        past = [(start, end) for name, start, end in found if name == "past"]
        return {
            name
            for name, start, end in found
            if name == "past" or not any(p_start <= start and end <= p_end for p_start, p_end in past)
        }

    def happening_now(self, doc: Doc) -> bool:
        """A marker that the harm is happening to the writer ("doing this to me") or now
        ("again", "tonight", "rn")."""
        return bool(matches(self.disclosed, doc)) or "present" in self._tense(doc)

    def check(self, text: str) -> Optional[str]:
        return self.detect(self.nlp(text.lower()))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False, model_from="SpacyNLP")
class SafetyNet(SpacyComponent):
    """Overrides the classifier when a vetted danger pattern or the safe word matches."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Without a pattern, the intent classifier's crisis intents (their summed probability)
        # make a message urgent when they reach `crisis_probability_alone`, or reach
        # `crisis_probability` while the risk classifier gives at least `risk_support`; a crisis
        # intent with less support becomes the likeliest other intent. Chosen on the tuning sets
        # (docs/decisions/0001-safety-layers.md): fewer false alarms on figures of speech, no disclosure lost.
        # A question that trips a pattern of a sub-type in `question_topics` (sextortion and
        # exploitation, whose questions use the words of disclosures), which the classifier reads
        # as a question on that sub-type's own topic with at least `question_confidence`, and
        # which says nothing of now or of the writer, keeps its intent and is marked urgent: the
        # urgent help for the sub-type comes first, then the answer to the question
        # (actions/urgent_help.py `help_first_if_in_danger`).
        return {
            "locale": "en",
            "crisis_probability": 0.3,
            "crisis_probability_alone": 0.8,
            "risk_support": 0.1,
            "fallback_threshold": 0.2,
            "question_confidence": 0.5,
            # how sure the language detector must be that a message is in another language before
            # only that language's patterns judge it (docs/decisions/0014-danger-in-every-language.md)
            "language_score": 0.7,
            "question_topics": {
                "sextortion": ["topic_sextortion"],
                "exploitation": ["topic_loverboy", "topic_grooming"],
            },
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        settings = {**self.get_default_config(), **config}
        self.crisis_probability = float(settings["crisis_probability"])
        self.crisis_probability_alone = float(settings["crisis_probability_alone"])
        self.risk_support = float(settings["risk_support"])
        self.fallback_threshold = float(settings["fallback_threshold"])
        self.question_topics = {k: frozenset(v) for k, v in settings["question_topics"].items()}
        self.question_confidence = float(settings["question_confidence"])
        self.language_score = float(settings["language_score"])
        self._patterns: Optional["LanguagePatterns"] = None

    def _get_patterns(self, nlp: Language) -> "LanguagePatterns":
        if self._patterns is None:
            from bot.safety.language_patterns import LanguagePatterns

            self._patterns = LanguagePatterns.load(nlp, self.locale)
        return self._patterns

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        languages = self._get_patterns(model.model)
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button payload, not something the user wrote
            if languages.safe_word_language(text):
                route_to(message, "safe_word", "safety net")
                continue
            if languages.is_farewell(text):
                self._farewell(message)
                continue
            doc = message_doc(message, model)
            written_in = language_of(message, self.language_score)
            found, language = languages.detect(text, doc, prefer=written_in or page_locale(message))
            subtype = chosen_subtype(found, message.get(INTENT_RANKING_KEY) or [])
            if subtype and language == languages.primary and self._asked_about(message, doc, found, languages.main):
                mark_urgent(message, subtype)
            elif subtype:
                route_to(message, f"crisis_{subtype}", "safety net")
                self._add(
                    message, [_entity("urgent_subtype", subtype, text), _entity("urgent_language", language, text)]
                )
            elif written_in in languages.others:
                self._patterns_alone(message)
            else:
                self._route_likely_crisis(message)
        return messages

    def _patterns_alone(self, message: Message) -> None:
        """A message clearly written in another language that has its own patterns, none of which
        matched: the English classifiers read it as noise (their crisis intents and risk mark
        fired on one Italian or Spanish question in three), so neither makes it urgent."""
        if is_crisis((message.get(INTENT) or {}).get("name")):
            demote_from(message, self.fallback_threshold, "another language, no pattern")
        if (message.get(RISK_KEY) or {}).get("urgent"):
            set_risk_mark(message, "another language, no pattern", urgent=False)

    def _farewell(self, message: Message) -> None:
        """Not urgent: no crisis intent and no fallback (the likeliest other intent, usually
        goodbye, when it reaches the fallback threshold), no risk mark."""
        current = (message.get(INTENT) or {}).get("name")
        if is_crisis(current) or current == "nlu_fallback":
            demote_from(message, self.fallback_threshold, "a farewell")
        if (message.get(RISK_KEY) or {}).get("urgent"):
            set_risk_mark(message, "farewell", urgent=False)

    def _asked_about(self, message: Message, doc: Doc, found: Set[str], patterns: SafetyPatterns) -> bool:
        """A topic question in the words of a disclosure: "do sextortion scammers actually post
        the pics if u dont pay", "how does county lines grooming work"."""
        intent = message.get(INTENT) or {}
        name = str(intent.get("name") or "")
        return (
            all(name in self.question_topics.get(subtype, ()) for subtype in found)
            and float(intent.get("confidence") or 0.0) >= self.question_confidence
            and is_question(doc)
            and not patterns.happening_now(doc)
        )

    def _crisis_supported(self, message: Message, crisis_sum: float) -> bool:
        risk = message.get(RISK_KEY)
        if not isinstance(risk, dict):  # no risk classifier: the intent classifier alone decides
            return crisis_sum >= self.crisis_probability
        return crisis_sum >= self.crisis_probability_alone or (
            crisis_sum >= self.crisis_probability and float(risk.get("probability", 0.0)) >= self.risk_support
        )

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
