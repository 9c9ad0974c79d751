"""bot/serving/patches: Rasa with the action-response validator built once still accepts what the
action server sends and rejects what Rasa would reject."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.serving.patches.action_validation import validate_action_result


def test_a_valid_action_response_passes():
    result = {
        "events": [{"event": "slot", "name": "topic", "value": "grooming", "timestamp": None}],
        "responses": [{"text": "hello", "buttons": [{"title": "a", "payload": "/affirm"}], "custom": {"urgent": True}}],
    }
    assert validate_action_result(None, result) is True


def test_the_loaded_agent_parses_once_before_the_first_user_and_a_failing_parse_does_not_stop_start_up():
    import asyncio
    import gc

    from bot.serving.patches.warm_start import WARM_UP_MESSAGE, freeze_after

    class Agent:
        def __init__(self, fail: bool) -> None:
            self.fail, self.parsed = fail, []

        async def parse_message(self, text):
            self.parsed.append((text, gc.get_freeze_count()))
            if self.fail:
                raise RuntimeError("model broken")
            return {}

    for fail in (False, True):
        agent = Agent(fail)

        async def load_agent(*args, agent=agent):
            return agent

        try:
            assert asyncio.run(freeze_after(load_agent)("model", "endpoints")) is agent
            assert agent.parsed == [(WARM_UP_MESSAGE, 0)]  # parsed before the freeze
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()


@pytest.mark.parametrize(
    "result",
    [
        {"events": [{"event": "no_such_event"}]},
        {"events": "not a list"},
        {"responses": ["not an object"]},
    ],
)
def test_an_invalid_action_response_is_rejected_with_rasas_hint(result):
    with pytest.raises(ValidationError, match="custom-actions"):
        validate_action_result(None, result)
    with pytest.raises(ValidationError):  # as Rasa's own (slow) check does
        RemoteAction._validate_action_result(RemoteAction, result)


def test_event_classes_resolve_as_in_rasa_and_unknown_names_still_fail():
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    from bot.serving.patches.event_lookup import resolve_event_type

    for cls in (UserUttered, BotUttered, SlotSet, ActionExecuted):
        assert resolve_event_type(cls.type_name) is cls
        assert resolve_event_type(cls.type_name) is cls  # remembered
    assert resolve_event_type("no_such_event", SlotSet) is SlotSet
    with pytest.raises(ValueError):
        resolve_event_type("no_such_event")


def test_after_the_model_is_loaded_start_up_objects_leave_the_garbage_collectors_reach():
    import asyncio
    import gc

    from bot.serving.patches.warm_start import freeze_after

    async def load_agent(*args):
        return "agent"

    try:
        assert asyncio.run(freeze_after(load_agent)("model", "endpoints")) == "agent"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.parametrize(
    "result",
    [
        {
            "events": [
                {"event": "slot", "name": "topic", "value": "grooming"},
                {"event": "active_loop", "name": None},
                {"event": "bot", "text": "hi", "data": {"custom": {"urgent": True}}},
                {"event": "followup", "name": "x"},
            ],
            "responses": [{"text": "hello"}],
        },
        {"events": [{"event": "slot", "value": 1}]},  # a slot event without a name
        {"events": [{"event": "user", "text": 3}]},
        {"events": [{"event": "bot", "text": "hi", "timestamp": "yesterday"}]},
        {"events": [{"name": "no event type"}]},
        {"events": [None]},
        {"events": []},
        {},
        "not an object",
    ],
)
def test_the_event_by_event_check_agrees_with_the_whole_schema(result):
    from bot.serving.patches.action_validation import _action_response_validator

    validator = _action_response_validator()
    assert validator.is_valid_by_event(result) == validator.whole.is_valid(result)
