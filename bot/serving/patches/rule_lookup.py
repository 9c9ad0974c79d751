"""RulePolicy's rule lookup, stopped as soon as the answer cannot change.

For every prediction Rasa 3.6's RulePolicy walks back through every turn of the conversation,
keeping the rules that still fit. A rule that is shorter than the distance walked always
fits, so once the walk is past the longest rule still kept, nothing can change any more;
Rasa walks on to the conversation's first turn all the same (about 8 % of the server's time
under load on short conversations, more on long ones). Same rules found, same predictions."""

from __future__ import annotations

from typing import Any, Dict, List, Set, Text

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.generator import State

RASA_GET_POSSIBLE_KEYS = RulePolicy._get_possible_keys  # Rasa's own, for comparison in the tests


def get_possible_keys(self: Any, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
    """RulePolicy._get_possible_keys, stopping once every rule kept is shorter than the walk."""
    possible_keys = set(lookup.keys())
    for i, state in enumerate(reversed(states)):
        if all(len(self._rule_key_to_state(key)) <= i for key in possible_keys):
            break
        possible_keys = {key for key in possible_keys if self._is_rule_applicable(key, i, state)}
    return possible_keys


def install() -> None:
    RulePolicy._get_possible_keys = get_possible_keys  # type: ignore[assignment]
