"""Overriding the classifier's intent: the one way the safety components (bot.safety.safety_net,
bot.safety.risk_classifier) send a message to the urgent path or the safe word."""

from __future__ import annotations

import logging

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.library.vocabulary import is_crisis

logger = logging.getLogger(__name__)


def route_to(message: Message, intent: str, why: str) -> None:
    """Make `intent` the message's intent with confidence 1, keeping the rest of the ranking."""
    current = (message.get(INTENT) or {}).get("name")
    if current == intent:
        return
    ranking = message.get(INTENT_RANKING_KEY) or []
    message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
    message.set(
        INTENT_RANKING_KEY,
        [{"name": intent, "confidence": 1.0}] + [r for r in ranking if r.get("name") != intent],
        add_to_output=True,
    )
    logger.info("%s routed a message to %s (classifier said %s)", why, intent, current)


def demote_from(message: Message, fallback_threshold: float, why: str) -> None:
    """Replace the message's intent by the likeliest other non-crisis intent in its ranking, or
    by nlu_fallback when that is below the fallback threshold."""
    current = (message.get(INTENT) or {}).get("name")
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != "nlu_fallback"]
    others = [r for r in ranking if not is_crisis(r.get("name"))]
    best = others[0] if others and float(others[0]["confidence"]) >= fallback_threshold else None
    intent = dict(best) if best else {"name": "nlu_fallback", "confidence": fallback_threshold}
    message.set(INTENT, intent, add_to_output=True)
    logger.info("%s: %s instead of %s", why, intent["name"], current)
