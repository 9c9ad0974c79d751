"""What Rasa sends to the action server with every custom action, made smaller.

Rasa 3.6 sends the whole domain with each call unless the action endpoint enables the
selective domain (`enable_selective_domain: true` in bot/project/endpoints.yml, Rasa's own option):
then only actions that ask for it and form validation actions (`validate_*`) get it. For
those, Rasa still rebuilds and sends the whole domain, about 86 kB of which 83 kB are the
fixed help responses: texts that only Rasa renders and the action server never reads
(rasa_sdk uses the slots and forms). Here the domain is converted once and sent without its
responses."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa.core.actions.action import RemoteAction

RASA_ACTION_CALL_FORMAT = RemoteAction._action_call_format  # Rasa's own, for comparison in the tests
SKIPPED = ("responses",)


def domain_for_actions(domain: Any) -> Dict[Text, Any]:
    """The domain as the action server gets it: everything but the responses, built once."""
    slim = domain.__dict__.get("_lumi_for_actions")
    if slim is None:
        slim = {key: value for key, value in domain.as_dict().items() if key not in SKIPPED}
        domain.__dict__["_lumi_for_actions"] = slim
    return slim


def action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[Text, Any]:
    """RemoteAction._action_call_format with the domain built once and without responses."""
    import rasa
    from rasa.shared.core.trackers import EventVerbosity

    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(EventVerbosity.ALL),
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain_for_actions(domain)
    return result


def install() -> None:
    RemoteAction._action_call_format = action_call_format  # type: ignore[assignment]
