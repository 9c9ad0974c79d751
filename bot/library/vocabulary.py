"""The names every part of Lumi shares: topics, content kinds, audiences, danger sub-types,
triage levels, intent prefixes, and the checks for the values a page may send (site, locale).
Rasa-free, so that the action server, the NLU and the web channel use the same words."""

from __future__ import annotations

import re
from typing import Any, Optional

TOPICS = (
    "grooming",
    "cyberbullying",
    "loverboy",
    "sextortion",
    "cyberstalking",
    "healthy_relationships",
    "getting_help",
    "online_safety",
    "crisis",
)
KINDS = ("definition", "warning_signs", "what_to_do", "how_to_help", "prevention", "myths", "reporting")
URGENT_SUBTYPES = ("immediate_danger", "self_harm", "sextortion", "ongoing_abuse", "exploitation")
AUDIENCES = ("teen", "parent", "educator")
LEVELS = ("question", "concern", "danger")

TOPIC_PREFIX = "topic_"
CRISIS_PREFIX = "crisis_"

SITE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
LOCALE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


def is_crisis(intent: object) -> bool:
    """Whether an intent name is one of the crisis intents (crisis_self_harm, ...)."""
    return str(intent or "").startswith(CRISIS_PREFIX)


def topic_of_intent(intent: object) -> Optional[str]:
    """topic_grooming -> grooming; crisis intents -> crisis; anything else -> None."""
    name = str(intent or "")
    if is_crisis(name):
        return "crisis"
    if name.startswith(TOPIC_PREFIX) and name[len(TOPIC_PREFIX) :] in TOPICS:
        return name[len(TOPIC_PREFIX) :]
    return None


def language_code(locale: Any) -> Optional[str]:
    """The language of a locale a page sends ("es-ES" -> "es"), or None."""
    return locale.split("-")[0] if isinstance(locale, str) and locale else None


def clean(value: Any, pattern: "re.Pattern[str]") -> str:
    """`value` if it is a string of the given form, else an empty string."""
    return value if isinstance(value, str) and pattern.match(value) else ""
