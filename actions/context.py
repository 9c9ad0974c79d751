"""What an action needs to know about the conversation: topic, goal, audience, country and
locale, from this message's entities, the slots, and the widget's metadata, in that order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from bot.library.content import AUDIENCES, TOPICS, library
from bot.library.helplines import directory
from bot.library.languages import languages
from bot.library.self_checks import CHECK_SIGNS_KEY
from bot.library.vocabulary import is_crisis, language_code, topic_of_intent
from bot.settings import get_settings


def metadata(tracker: Tracker) -> Dict[str, Any]:
    """Channel metadata of this message, else of the message that started the session."""
    latest = (tracker.latest_message or {}).get("metadata") or {}
    started = tracker.get_slot("session_started_metadata") or {}
    return {**started, **latest} if isinstance(started, dict) else dict(latest)


def entity(tracker: Tracker, name: str) -> Optional[str]:
    values = [e.get("value") for e in (tracker.latest_message or {}).get("entities", []) if e.get("entity") == name]
    return str(values[0]) if values else None


def intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def possible_danger(tracker: Tracker) -> Optional[str]:
    """The risk classifier's sub-type when it found the latest message urgent although the
    intent is not a crisis intent (bot.safety.risk_classifier); otherwise None."""
    latest = tracker.latest_message or {}
    risk = latest.get("risk") or {}
    if not risk.get("urgent") or is_crisis(intent(tracker)):
        return None
    return str(risk.get("subtype") or "ongoing_abuse")


def check_signs(tracker: Tracker) -> List[str]:
    """The self-check questions the latest message answered (bot.nlu.self_check_prefill, in the NLU)."""
    return list((tracker.latest_message or {}).get(CHECK_SIGNS_KEY) or [])


@dataclass(frozen=True)
class Turn:
    topic: Optional[str]
    goal: Optional[str]
    audience: str
    country: Optional[str]
    locale: str


def topic_of(tracker: Tracker) -> Optional[str]:
    name = intent(tracker)
    from_intent = topic_of_intent(name)
    if from_intent and not is_crisis(name):
        return from_intent
    named = entity(tracker, "topic")
    if named in TOPICS:
        return named
    return tracker.get_slot("topic")


def audience_of(tracker: Tracker) -> str:
    for value in (entity(tracker, "audience"), tracker.get_slot("audience"), metadata(tracker).get("audience")):
        if value in AUDIENCES:
            return value
    return get_settings().default_audience


def country_of(tracker: Tracker) -> Optional[str]:
    for value in (entity(tracker, "country"), tracker.get_slot("country"), metadata(tracker).get("country")):
        code = directory().resolve(value) if value else None
        if code:
            return code
    return None


def locale_of(tracker: Tracker) -> str:
    for value in (metadata(tracker).get("locale"), tracker.get_slot("locale")):
        if value in library().locales:
            return value
    return get_settings().default_locale


def danger_language_of(tracker: Tracker) -> str:
    """The language of an urgent reply: the language of the patterns that found the danger, then
    the page's, then the conversation's (the language of its last danger message)."""
    page = language_code(metadata(tracker).get("locale"))
    for value in (entity(tracker, "urgent_language"), page, tracker.get_slot("language")):
        if value in languages():
            return str(value)
    return get_settings().default_locale


def turn(tracker: Tracker) -> Turn:
    return Turn(
        topic=topic_of(tracker),
        goal=entity(tracker, "goal"),
        audience=audience_of(tracker),
        country=country_of(tracker),
        locale=locale_of(tracker),
    )


def buttons(pairs: List[tuple]) -> List[Dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in pairs]
