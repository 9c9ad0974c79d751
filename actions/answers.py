"""Answering questions from the content library: pick the item for (topic, kind, audience,
locale), send it in the reply contract, keep the topic for follow-ups, offer next steps."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content_answer import answer, followup_buttons, topic_buttons
from actions.context import Turn, check_signs, entity, intent, text, turn
from actions.replies import send_item
from actions.self_checks import accept_offer, offer
from actions.urgent_help import help_first_if_in_danger
from bot.library.content import KINDS, library, messages
from bot.library.self_checks import check_for, prefill

INTENT_KINDS = {"ask_followup": "what_to_do"}
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
        item = library().item(tracker.get_slot("last_content_id") or "", current.locale)
        if item is None or not item.more:
            dispatcher.utter_message(
                text=messages(current.locale)["tell_more_none"], buttons=topic_buttons(current.locale)
            )
            return []
        send_item(
            dispatcher,
            item,
            current.audience,
            text=item.more,
            buttons=followup_buttons(item, current.locale, offer_more=False),
        )
        return []


class ActionFallback(Action):
    """Low confidence: offer the likeliest topics and a way to a person."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        urgent = help_first_if_in_danger(dispatcher, tracker, current)
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        likely = [r["name"][len("topic_") :] for r in ranking if str(r.get("name", "")).startswith("topic_")][:3]
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
