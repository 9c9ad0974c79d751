"""Educator mode in chat: scenario quizzes (a few situations in a row, feedback on every
choice, a summary with where to get help) and lesson plans for teachers."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import entity, turn
from actions.replies import send_helplines
from bot.library.content import library, messages
from bot.library.education import Scenario, lesson, lesson_topics, quiz, scenario
from bot.settings import get_settings

QUIZ_LENGTH = 3


def topic_choice(dispatcher: CollectingDispatcher, text: str, intent_name: str, locale: str) -> None:
    names = messages(locale)["topics"]
    dispatcher.utter_message(
        text=text,
        buttons=[
            {"title": names.get(t, t), "payload": f"/{intent_name}{json.dumps({'topic': t})}"}
            for t in lesson_topics(locale)
        ],
    )


def bullets(items: List[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def show_scenario(dispatcher: CollectingDispatcher, item: Scenario, audience: str, locale: str) -> None:
    buttons = [
        {"title": c.text, "payload": f"/quiz_answer{json.dumps({'scenario': item.id, 'choice': c.id})}"}
        for c in item.choices
    ]
    dispatcher.utter_message(text=f"**{item.title}**\n\n{item.situation}\n\n{item.question}", buttons=buttons)
    dispatcher.utter_message(
        json_message={
            "content_id": item.id,
            "topic": item.topic,
            "kind": "scenario",
            "audience": audience,
            "locale": locale,
            "urgent": False,
            "sources": library().sources_payload(item.sources),
        }
    )


class ActionStartQuiz(Action):
    def name(self) -> Text:
        return "action_start_quiz"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        texts = messages(current.locale)["quiz"]
        found = quiz(current.topic, current.locale)
        if found is None:
            topic_choice(
                dispatcher, texts["pick"] if not current.topic else texts["none"], "start_quiz", current.locale
            )
            return []
        chosen = found.scenarios[:QUIZ_LENGTH]
        title = messages(current.locale)["topics"].get(found.topic, found.topic)
        dispatcher.utter_message(text=texts["intro"].format(title=title, count=len(chosen)))
        show_scenario(dispatcher, chosen[0], current.audience, current.locale)
        return [
            SlotSet("quiz_topic", found.topic),
            SlotSet("quiz_remaining", [s.id for s in chosen[1:]]),
            SlotSet("quiz_score", {"right": 0, "total": 0}),
            SlotSet("topic", found.topic),
        ]


class ActionQuizAnswer(Action):
    def name(self) -> Text:
        return "action_quiz_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        texts = messages(current.locale)["quiz"]
        item = scenario(entity(tracker, "scenario") or "", current.locale)
        choice = item.choice(entity(tracker, "choice") or "") if item else None
        if item is None or choice is None:
            topic_choice(dispatcher, texts["pick"], "start_quiz", current.locale)
            return []
        verdict = texts["right"] if choice.safety == "safest" else texts[choice.safety].format(safest=item.safest.text)
        dispatcher.utter_message(text=f"{verdict}\n\n{choice.feedback}")
        right = choice.safety == "safest"
        dispatcher.utter_message(
            json_message={
                "stats_event": "quiz_answer",
                "content_id": item.id,
                "topic": item.topic,
                "detail": "right" if right else "wrong",
            }
        )
        score = tracker.get_slot("quiz_score") or {"right": 0, "total": 0}
        score = {"right": score.get("right", 0) + right, "total": score.get("total", 0) + 1}
        remaining = [s for s in (tracker.get_slot("quiz_remaining") or []) if s != item.id]
        following = scenario(remaining[0], current.locale) if remaining else None
        if following is not None:
            show_scenario(dispatcher, following, current.audience, current.locale)
            return [SlotSet("quiz_remaining", remaining[1:]), SlotSet("quiz_score", score)]
        topic_quiz = quiz(item.topic, current.locale)
        summary = topic_quiz.summary if topic_quiz else ""
        dispatcher.utter_message(
            text=f"{texts['summary'].format(right=score['right'], total=score['total'])}\n\n{summary}",
            buttons=[{"title": texts["again"], "payload": "/start_quiz"}],
        )
        send_helplines(dispatcher, current.country, "general", current.locale)
        return [SlotSet("quiz_remaining", None), SlotSet("quiz_score", None), SlotSet("quiz_topic", None)]


class ActionLesson(Action):
    """A teacher asks for a lesson: the plan's essentials in chat and the printable page."""

    def name(self) -> Text:
        return "action_lesson"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        current = turn(tracker)
        texts = messages(current.locale)["lesson"]
        plan = lesson(current.topic, current.locale)
        if plan is None:
            topic_choice(dispatcher, texts["none"], "request_lesson", current.locale)
            return []
        body = "\n\n".join(
            [
                texts["intro"].format(
                    title=plan["title"], ages=", ".join(plan["age_bands"]), minutes=plan["duration_minutes"]
                ),
                f"{texts['objectives']}\n{bullets(plan['objectives'])}",
                f"{texts['key_messages']}\n{bullets(plan['key_messages'])}",
                f"{texts['discussion']}\n{bullets(plan['discussion_questions'])}",
                texts["safeguarding"],
            ]
        )
        url = f"{get_settings().public_url}/lessons/{plan.topic}"
        dispatcher.utter_message(
            text=body,
            buttons=[{"title": texts["run_quiz"], "payload": f"/start_quiz{json.dumps({'topic': plan.topic})}"}],
        )
        dispatcher.utter_message(
            json_message={
                "content_id": plan["id"],
                "topic": plan.topic,
                "kind": "lesson",
                "audience": "educator",
                "locale": current.locale,
                "urgent": False,
                "sources": library().sources_payload(plan["sources"]),
                "lesson_url": url,
            }
        )
        return [SlotSet("topic", plan.topic)]
