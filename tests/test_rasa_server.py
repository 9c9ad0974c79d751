"""bot.rasa_server: Rasa with the action-response validator built once still accepts what the
action server sends and rejects what Rasa would reject."""
import pytest
from jsonschema import ValidationError

from rasa.core.actions.action import RemoteAction

from bot.rasa_server import validate_action_result


def test_a_valid_action_response_passes():
    result = {"events": [{"event": "slot", "name": "topic", "value": "grooming", "timestamp": None}],
              "responses": [{"text": "hello", "buttons": [{"title": "a", "payload": "/affirm"}], "custom": {"urgent": True}}]}
    assert validate_action_result(None, result) is True


@pytest.mark.parametrize("result", [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
])
def test_an_invalid_action_response_is_rejected_with_rasas_hint(result):
    with pytest.raises(ValidationError, match="custom-actions"):
        validate_action_result(None, result)
    with pytest.raises(ValidationError):  # as Rasa's own (slow) check does
        RemoteAction._validate_action_result(RemoteAction, result)


def test_event_classes_resolve_as_in_rasa_and_unknown_names_still_fail():
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    from bot.rasa_server import resolve_event_type

    for cls in (UserUttered, BotUttered, SlotSet, ActionExecuted):
        assert resolve_event_type(cls.type_name) is cls
        assert resolve_event_type(cls.type_name) is cls  # remembered
    assert resolve_event_type("no_such_event", SlotSet) is SlotSet
    with pytest.raises(ValueError):
        resolve_event_type("no_such_event")
