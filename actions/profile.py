"""Who is asking and where: the user tells Lumi their role or country; both are remembered
for the session and change which answers and help contacts they get."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import entity, turn
from actions.replies import send_helplines
from bot.library.content import messages
from bot.library.helplines import directory


class ActionSetAudience(Action):
    def name(self) -> Text:
        return "action_set_audience"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        dispatcher.utter_message(text=messages(current.locale)["audience_set"][current.audience])
        return [SlotSet("audience", current.audience)]


class ActionSetCountry(Action):
    def name(self) -> Text:
        return "action_set_country"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        said = entity(tracker, "country")
        code = directory().resolve(said) if said else current.country
        texts = messages(current.locale)
        if code is None:
            dispatcher.utter_message(text=texts["country_unknown"])
            send_helplines(dispatcher, None, "general", current.locale)
            return [SlotSet("country", None)]
        dispatcher.utter_message(text=texts["country_set"].format(country=directory().country(code).name))
        send_helplines(dispatcher, code, "general", current.locale)
        return [SlotSet("country", code)]
