"""Which messages get the fixed urgent help when the action server is down or silent
(bot/safety/urgent_fallback_policy.py; the whole path is tested over REST in tests/test_server.py)."""

import pytest
from rasa.shared.core.events import UserUttered

from bot.safety.urgent_fallback_policy import is_urgent


def message(intent: str, **parse) -> UserUttered:
    return UserUttered(
        "...", intent={"name": intent, "confidence": 0.9}, parse_data={"intent": {"name": intent}, **parse}
    )


@pytest.mark.parametrize("intent", ["crisis_self_harm", "crisis_sextortion", "safe_word"])
def test_crisis_intents_and_the_safe_word_are_urgent(intent):
    assert is_urgent(message(intent))


def test_a_story_the_risk_classifier_marked_urgent_is_urgent():
    assert is_urgent(message("topic_sextortion", risk={"probability": 0.7, "subtype": "sextortion", "urgent": True}))


def test_ordinary_questions_are_not():
    assert not is_urgent(
        message("topic_grooming", risk={"probability": 0.02, "subtype": "ongoing_abuse", "urgent": False})
    )
    assert not is_urgent(message("greet"))
    assert not is_urgent(None)
