"""Answering questions from the content library: pick the item for (topic, kind, audience,
locale), send it in the reply contract, keep the topic for follow-ups, offer next steps."""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import Turn, buttons, check_signs, entity, intent, text, turn
from actions.replies import send_helplines, send_item
from actions.self_checks import accept_offer, offer
from actions.urgent_help import help_first_if_in_danger
from bot.content import Item, KINDS, TOPICS, library, messages
from bot.self_checks import check_for, prefill
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
INTENT_KINDS = {"ask_followup": "what_to_do"}
# purposes in content/helpline_purposes.yml shown after answers that call for contacts
TOPIC_HELP_PURPOSE = {"sextortion": "sextortion_info", "getting_help": "general"}
_WORD = re.compile(r"\w+")
_FIRST_PERSON = {"i", "im", "me", "my", "we", "our", "us", "he", "she", "they", "him", "her"}


def is_story(message: str) -> bool:
    """A message that tells a situation rather than asking a general question."""
    words = [w.lower() for w in _WORD.findall(message)]
    return len(words) >= 12 and bool(_FIRST_PERSON.intersection(words))


def choose_kind(tracker: Tracker) -> str:
    goal = entity(tracker, "goal")
    if goal in KINDS:
        return goal
    if intent(tracker) in INTENT_KINDS:
        return INTENT_KINDS[intent(tracker)]
    return "warning_signs" if is_story(text(tracker)) else "definition"


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
    events: List[EventType] = [SlotSet("topic", topic), SlotSet("last_content_id", item.id),
                               SlotSet("audience", current.audience)]
    if current.country:
        events.append(SlotSet("country", current.country))
    return events


def offer_check_for_story(dispatcher: CollectingDispatcher, tracker: Tracker, current: Turn) -> List[EventType]:
    """A story about one's own situation gets the offer of the matching self-check."""
    message = text(tracker)
    check = check_for(current.topic, current.audience, current.locale)
    if check is None or message.startswith("/"):
        return []
    if is_story(message) or prefill(check, check_signs(tracker)):
        return offer(dispatcher, check, check_signs(tracker))
    return []


class ActionAnswer(Action):
    def name(self) -> Text:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        urgent = help_first_if_in_danger(dispatcher, tracker, current)
        if current.topic is None or current.topic == "crisis":
            dispatcher.utter_message(text=messages(current.locale)["fallback"], buttons=topic_buttons(current.locale))
            return urgent
        events = urgent + answer(dispatcher, current.topic, choose_kind(tracker), current)
        # after urgent help, a quiz-like check would be the wrong next step
        return events if urgent else events + offer_check_for_story(dispatcher, tracker, current)


class ActionTellMore(Action):
    def name(self) -> Text:
        return "action_tell_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        item = library().items.get(tracker.get_slot("last_content_id") or "")
        if item is None or not item.more:
            dispatcher.utter_message(text=messages(current.locale)["tell_more_none"],
                                     buttons=topic_buttons(current.locale))
            return []
        send_item(dispatcher, item, current.audience, text=item.more,
                  buttons=followup_buttons(item, current.locale, offer_more=False))
        return []


class ActionFallback(Action):
    """Low confidence: offer the likeliest topics and a way to a person."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        urgent = help_first_if_in_danger(dispatcher, tracker, current)
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        likely = [r["name"][len("topic_"):] for r in ranking if str(r.get("name", "")).startswith("topic_")][:3]
        texts = messages(current.locale)
        options = topic_buttons(current.locale, likely or None)[:3]
        options.append({"title": texts["fallback_talk"], "payload": "/safe_word"})
        dispatcher.utter_message(text=texts["fallback"], buttons=options)
        return urgent


class ActionFeedback(Action):
    def name(self) -> Text:
        return "action_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        helpful = "yes" if str(entity(tracker, "helpful")).lower() in {"yes", "true", "1"} else "no"
        dispatcher.utter_message(text=messages(current.locale)["feedback_thanks"][helpful])
        return []


class ActionHandleOffer(Action):
    """Yes / no / not sure: accepted or declined what Lumi last offered; with nothing on
    offer, invite a question."""

    def name(self) -> Text:
        return "action_handle_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        if tracker.get_slot("offer") == "self_check" and intent(tracker) == "affirm":
            return accept_offer(dispatcher, tracker)
        dispatcher.utter_message(text=messages(current.locale)["offer_none"], buttons=topic_buttons(current.locale))
        return [SlotSet("offer", None), SlotSet("check_prefill", None)]
