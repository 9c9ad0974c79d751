"""A content item as the answer to a topic and kind, with its follow-up buttons and, where the
topic or kind calls for them, the help contacts."""

from __future__ import annotations

import json
from typing import Dict, List, Optional

from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Turn, buttons
from actions.replies import send_helplines, send_item
from bot.library.content import TOPICS, Item, library, messages
from bot.settings import get_settings

NEXT_KINDS = {
    "definition": ("warning_signs", "what_to_do", "reporting"),
    "warning_signs": ("what_to_do", "how_to_help", "reporting"),
    "what_to_do": ("reporting", "how_to_help", "prevention"),
    "how_to_help": ("what_to_do", "reporting", "warning_signs"),
    "prevention": ("warning_signs", "myths", "what_to_do"),
    "myths": ("definition", "warning_signs", "prevention"),
    "reporting": ("what_to_do", "how_to_help", "prevention"),
}
# purposes in content/helpline_purposes.yml shown after answers that call for contacts
TOPIC_HELP_PURPOSE = {"sextortion": "sextortion_info", "getting_help": "general"}


def followup_buttons(item: Item, locale: str, offer_more: bool = True) -> List[Dict[str, str]]:
    labels = messages(locale)["followups"]
    pairs = [(labels["more"], "/tell_more")] if item.more and offer_more else []
    for kind in NEXT_KINDS.get(item.kind, ()):
        payload = json.dumps({"goal": kind, "topic": item.topic})
        pairs.append((labels[kind], f"/ask_followup{payload}"))
    return buttons(pairs)


def topic_buttons(locale: str, topics: Optional[List[str]] = None) -> List[Dict[str, str]]:
    names = messages(locale)["topics"]
    chosen = topics or [t for t in TOPICS if t in names]
    return buttons([(names[t], f"/topic_{t}") for t in chosen])


def find_item(topic: str, kind: str, current: Turn) -> Optional[Item]:
    return library().find(topic, kind, current.audience, current.locale, get_settings().reviewed_only)


def answer(dispatcher: CollectingDispatcher, topic: str, kind: str, current: Turn) -> List[EventType]:
    item = find_item(topic, kind, current)
    if item is None:
        dispatcher.utter_message(text=messages(current.locale)["no_item"])
        send_helplines(dispatcher, current.country, "general", current.locale)
        return [SlotSet("topic", topic)]
    send_item(dispatcher, item, current.audience, buttons=followup_buttons(item, current.locale))
    purpose = TOPIC_HELP_PURPOSE.get(topic) or (topic if kind == "reporting" else None)
    if purpose:
        send_helplines(dispatcher, current.country, purpose, current.locale)
    events: List[EventType] = [
        SlotSet("topic", topic),
        SlotSet("last_content_id", item.id),
        SlotSet("audience", current.audience),
    ]
    if current.country:
        events.append(SlotSet("country", current.country))
    return events
