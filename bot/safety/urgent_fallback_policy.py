"""A dialogue policy that keeps help reachable when the action server is down or fails.

If a custom action ran for the latest user message and produced no reply (the action server
was unreachable or raised), this policy predicts a fixed domain response instead of silence:
`utter_urgent_fallback` (emergency number and helplines, conditioned on the country slot)
when the message was urgent or the safe word, `utter_service_unavailable` otherwise."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.library.vocabulary import is_crisis

URGENT_FALLBACK = "utter_urgent_fallback"
SERVICE_UNAVAILABLE = "utter_service_unavailable"
FALLBACK_UTTERANCES = (URGENT_FALLBACK, SERVICE_UNAVAILABLE)


def is_urgent_intent(intent: Optional[str]) -> bool:
    return bool(intent) and (is_crisis(intent) or intent == "safe_word")


def is_urgent(message: Optional[UserUttered]) -> bool:
    """A crisis intent or the safe word, or a message the risk classifier found urgent."""
    if message is None:
        return False
    return is_urgent_intent(message.intent.get("name")) or bool((message.parse_data.get("risk") or {}).get("urgent"))


def silent_custom_action(tracker: DialogueStateTracker, custom_actions: List[str]) -> Optional[str]:
    """The custom action that ran after the latest user message without saying anything."""
    action_name: Optional[str] = None
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            # only messages that came through a channel: conversations replayed from stories
            # (`rasa test`, which never calls the action server) have none
            return action_name if event.input_channel else None
        if isinstance(event, BotUttered):
            return None
        if isinstance(event, ActionExecuted) and action_name is None:
            name = event.action_name or ""
            if name not in custom_actions:
                return None
            action_name = name
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class UrgentFallbackPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        with self._model_storage.write_to(self._resource):
            pass  # nothing to learn: the policy is a fixed safety rule
        return self._resource

    def _predict(self, action: str, domain: Domain) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        if tracker.latest_action_name in FALLBACK_UTTERANCES:
            return self._predict(ACTION_LISTEN_NAME, domain)
        if silent_custom_action(tracker, domain.user_actions):
            return self._predict(URGENT_FALLBACK if is_urgent(tracker.latest_message) else SERVICE_UNAVAILABLE, domain)
        return self._prediction(self._default_predictions(domain))
