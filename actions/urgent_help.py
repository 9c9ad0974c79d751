"""The urgent path: a disclosure of danger or ongoing harm gets the trauma-informed crisis text
for its sub-type, `urgent: true`, and the help contacts for the user's country (emergency
number first when someone is in danger). The safe word brings the contacts back any time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Turn, danger_language_of, entity, intent, possible_danger, turn
from actions.replies import send_helplines, send_item
from bot.library.content import URGENT_SUBTYPES, library
from bot.library.vocabulary import CRISIS_PREFIX


def subtype_of(tracker: Tracker) -> str:
    """The safety net's vetted sub-type first, then the classifier's crisis intent."""
    named = entity(tracker, "urgent_subtype")
    if named in URGENT_SUBTYPES:
        return named
    name = intent(tracker)[len(CRISIS_PREFIX) :]
    return name if name in URGENT_SUBTYPES else "ongoing_abuse"


def send_urgent_help(dispatcher: CollectingDispatcher, current: Turn, subtype: str) -> List[EventType]:
    """The crisis text for the sub-type in the turn's language (always served, reviewed or not:
    help must never be withheld), then the help contacts, both marked urgent."""
    item = library().find("crisis", subtype, current.audience, current.locale)
    if item is not None:
        send_item(dispatcher, item, current.audience, urgent=True)
    send_helplines(dispatcher, current.country, subtype, current.locale, urgent=True)
    events: List[EventType] = [SlotSet("country", current.country)] if current.country else []
    return events + ([SlotSet("last_content_id", item.id)] if item is not None else [])


def help_first_if_in_danger(dispatcher: CollectingDispatcher, tracker: Tracker, current: Turn) -> List[EventType]:
    """When the risk classifier found danger in what the intent classifier took for an ordinary
    question or story, the urgent help comes first; the caller then answers as usual."""
    subtype = possible_danger(tracker)
    return send_urgent_help(dispatcher, current, subtype) if subtype else []


class ActionUrgentHelp(Action):
    def name(self) -> Text:
        return "action_urgent_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = replace(turn(tracker), locale=danger_language_of(tracker))
        return [SlotSet("topic", "crisis")] + send_urgent_help(dispatcher, current, subtype_of(tracker))


class ActionShowHelplines(Action):
    """The safe word ("help", "sos") and the "Get help now" button."""

    def name(self) -> Text:
        return "action_show_helplines"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        send_helplines(dispatcher, current.country, "general", current.locale)
        return [SlotSet("country", current.country)] if current.country else []
