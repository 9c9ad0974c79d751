"""Self-checks as a Rasa form (`self_check_form`): start (from "is this grooming?" or from a
story, pre-filled with what the story already answered), ask one yes / no / not sure question
at a time, switch to the urgent path on any sign of danger, and give a tailored result."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.content_answer import answer
from actions.context import check_signs, intent, turn
from actions.replies import send_helplines, send_item
from actions.urgent_help import help_first_if_in_danger
from bot.library.content import library, messages
from bot.library.self_checks import Check, answers_from, check_for, checks, get, prefill

ANSWER_INTENTS = {"affirm": "yes", "deny": "no", "not_sure": "unsure"}
CHECK_SLOTS = ("check_id", "check_answers", "check_answer", "check_prefill")
HELP_BANDS = ("some", "high")


def reset() -> List[EventType]:
    return [SlotSet(name, None) for name in CHECK_SLOTS]


def answer_buttons(locale: str) -> List[Dict[str, str]]:
    texts = messages(locale)["check"]
    return [
        {"title": texts["answer_yes"], "payload": "/affirm"},
        {"title": texts["answer_no"], "payload": "/deny"},
        {"title": texts["answer_unsure"], "payload": "/not_sure"},
    ]


def offer(dispatcher: CollectingDispatcher, check: Check, signs: List[str]) -> List[EventType]:
    """After an answer to a story: offer the check, remembering what the story answered."""
    texts = messages(check.locale)["check"]
    found = prefill(check, signs)
    payload = json.dumps({"topic": check.topic})
    dispatcher.utter_message(
        text=texts["offer"].format(count=len(check.questions) - len(found)),
        buttons=[
            {"title": texts["offer_yes"], "payload": f"/start_self_check{payload}"},
            {"title": texts["offer_no"], "payload": "/deny"},
        ],
    )
    return [SlotSet("check_prefill", {"check": check.id, "answers": found}), SlotSet("offer", "self_check")]


def signs_list(check: Check, answers: Dict[str, str]) -> str:
    return "\n".join(
        f"- **{q.sign[0].upper() + q.sign[1:]}.** {q.why}" for q in check.questions if answers.get(q.id) == "yes"
    )


def begin(dispatcher: CollectingDispatcher, tracker: Tracker) -> Tuple[List[EventType], bool]:
    """Starts the check for the conversation's topic and audience; says which checks exist
    (or gives the warning signs) when there is none. Returns the events and whether it began."""
    current = turn(tracker)
    check = check_for(current.topic, current.audience, current.locale)
    texts = messages(current.locale)["check"]
    if check is None:
        if current.topic and current.topic != "crisis":
            dispatcher.utter_message(text=texts["none_for_topic"])
            return answer(dispatcher, current.topic, "warning_signs", current) + reset(), False
        options = [
            c for (locale, _), c in checks().items() if locale == current.locale and current.audience in c.audiences
        ]
        dispatcher.utter_message(
            text=texts["pick"],
            buttons=[
                {
                    "title": texts["names"].get(c.id, c.title),
                    "payload": f"/start_self_check{json.dumps({'topic': c.topic})}",
                }
                for c in options
            ],
        )
        return reset(), False
    stored = tracker.get_slot("check_prefill") or {}
    answers = answers_from(stored.get("answers")) if stored.get("check") == check.id else {}
    answers.update(prefill(check, check_signs(tracker)))
    dispatcher.utter_message(text=f"**{check.title}**\n\n{check.intro}")
    if answers:
        asked = [check.question(q) for q in answers]
        signs = "; ".join(question.sign for question in asked if question)
        dispatcher.utter_message(text=texts["prefilled"].format(signs=signs))
    dispatcher.utter_message(json_message={"stats_event": "self_check", "detail": "started", "topic": check.topic})
    return [
        SlotSet("check_id", check.id),
        SlotSet("check_answers", answers),
        SlotSet("check_answer", None),
        SlotSet("check_prefill", None),
        SlotSet("topic", check.topic),
        SlotSet("offer", None),
    ], True


def ask_next(dispatcher: CollectingDispatcher, check: Check, answers: Dict[str, str], locale: str) -> None:
    question = check.next_question(answers)
    if question is None:
        return
    number = len([q for q in check.questions if q.id in answers]) + 1
    progress = messages(locale)["check"]["progress"].format(number=number, total=len(check.questions))
    dispatcher.utter_message(text=f"{question.ask} {progress}", buttons=answer_buttons(locale))


def accept_offer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """ "Yes" to an offered check: begin it; the form then asks the first question."""
    events, began = begin(dispatcher, tracker)
    return events + [FollowupAction("self_check_form")] if began else events


class ActionStartSelfCheck(Action):
    def name(self) -> Text:
        return "action_start_self_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return begin(dispatcher, tracker)[0]


class ActionAskCheckAnswer(Action):
    """Asks the next unanswered question of the active check."""

    def name(self) -> Text:
        return "action_ask_check_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        check = get(tracker.get_slot("check_id"), current.locale)
        if check is not None:
            ask_next(dispatcher, check, answers_from(tracker.get_slot("check_answers")), current.locale)
        return []


class ValidateSelfCheckForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_self_check_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        check = get(tracker.get_slot("check_id"), turn(tracker).locale)
        answers = answers_from(tracker.get_slot("check_answers"))
        if check is None or check.urgent_yes(answers) or check.next_question(answers) is None:
            return []
        return ["check_answer"]

    def validate_check_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        check = get(tracker.get_slot("check_id"), turn(tracker).locale)
        answers = answers_from(tracker.get_slot("check_answers"))
        answer = ANSWER_INTENTS.get(intent(tracker))
        question = check.next_question(answers) if check else None
        # an answer in which the risk classifier sees danger ("no... he said he'd hurt me") gets
        # the urgent help at once; the check goes on after it
        slots = {e["name"]: e["value"] for e in help_first_if_in_danger(dispatcher, tracker, turn(tracker))}
        if answer is None or question is None:
            return {**slots, "check_answer": None}
        answers[question.id] = answer
        return {**slots, "check_answer": None, "check_answers": answers}


class ActionSelfCheckResult(Action):
    def name(self) -> Text:
        return "action_self_check_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        check = get(tracker.get_slot("check_id"), current.locale)
        if check is None:
            return reset()
        answers = answers_from(tracker.get_slot("check_answers"))
        urgent = check.urgent_yes(answers) is not None
        band = check.band(answers)
        texts = messages(current.locale)["check"]
        listed = signs_list(check, answers)
        body = f"{texts['said_yes']}\n{listed}\n\n{check.results[band]}" if listed else check.results[band]
        dispatcher.utter_message(
            text=body,
            buttons=[]
            if urgent
            else [{"title": texts["restart"], "payload": f"/start_self_check{json.dumps({'topic': check.topic})}"}],
        )
        dispatcher.utter_message(
            json_message={
                "content_id": f"self_check.{check.id}.{band}",
                "topic": check.topic,
                "kind": "self_check",
                "audience": current.audience,
                "locale": current.locale,
                "urgent": urgent,
                "sources": library().sources_payload(check.sources),
                "signs": [q.id for q in check.questions if answers.get(q.id) == "yes"],
                "band": band,
                "stats_event": "self_check",
                "detail": "completed",
            }
        )
        if urgent:
            crisis = library().find("crisis", check.urgent_subtype, current.audience, current.locale)
            if crisis is not None:
                send_item(dispatcher, crisis, current.audience, urgent=True)
            send_helplines(dispatcher, current.country, check.urgent_subtype, current.locale, urgent=True)
        elif band in HELP_BANDS:
            send_helplines(dispatcher, current.country, check.topic, current.locale)
        return reset()


class ActionStopSelfCheck(Action):
    def name(self) -> Text:
        return "action_stop_self_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=messages(turn(tracker).locale)["check"]["stopped"])
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + reset()
