"""The urgent path: a disclosure of danger or ongoing harm gets the trauma-informed crisis text
for its sub-type, `urgent: true`, and the help contacts for the user's country (emergency
number first when someone is in danger). The safe word brings the contacts back any time."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import CRISIS_INTENT_PREFIX, entity, intent, turn
from actions.replies import send_helplines, send_item
from bot.content import URGENT_SUBTYPES, library


def subtype_of(tracker: Tracker) -> str:
    """The safety net's vetted sub-type first, then the classifier's crisis intent."""
    named = entity(tracker, "urgent_subtype")
    if named in URGENT_SUBTYPES:
        return named
    name = intent(tracker)[len(CRISIS_INTENT_PREFIX):]
    return name if name in URGENT_SUBTYPES else "ongoing_abuse"


class ActionUrgentHelp(Action):
    def name(self) -> Text:
        return "action_urgent_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        subtype = subtype_of(tracker)
        # crisis texts are always served, reviewed or not: help must never be withheld
        item = library().find("crisis", subtype, current.audience, current.locale)
        if item is not None:
            send_item(dispatcher, item, current.audience, urgent=True)
        send_helplines(dispatcher, current.country, subtype, current.locale, urgent=True)
        events: List[EventType] = [SlotSet("topic", "crisis")]
        if item is not None:
            events.append(SlotSet("last_content_id", item.id))
        if current.country:
            events.append(SlotSet("country", current.country))
        return events


class ActionShowHelplines(Action):
    """The safe word ("help", "sos") and the "Get help now" button."""

    def name(self) -> Text:
        return "action_show_helplines"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        send_helplines(dispatcher, current.country, "general", current.locale)
        return [SlotSet("country", current.country)] if current.country else []
